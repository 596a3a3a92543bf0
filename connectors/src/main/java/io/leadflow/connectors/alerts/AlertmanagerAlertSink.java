package io.leadflow.connectors.alerts;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leadflow.avro.Alert;
import io.leadflow.config.AlertsConfig;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.connectors.client.VendorApi;
import io.leadflow.connectors.client.VendorApi.VendorApiException;
import io.leadflow.topics.Topics;

import java.net.URI;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Alerts into Prometheus Alertmanager ({@code POST /api/v2/alerts}), whose routes and receivers take them on (e-mail,
 * PagerDuty, chat). Labels carry the tenant, kind, severity, team, owner, lead and alert id, so Alertmanager groups
 * and routes them, and treats a repeat (same labels) as the same alert.
 */
public final class AlertmanagerAlertSink extends AlertSink {
    private final Map<String, VendorApi> managers = new TreeMap<>();

    private AlertmanagerAlertSink(Map<String, Receiver> receivers, Topics topics, String bootstrapServers, VendorApi.Factory apis,
                                  Clock clock) {
        super("alertmanager", receivers, topics, bootstrapServers, clock);
        receivers.keySet().forEach(tenant -> managers.put(tenant, apis.create("Alertmanager of tenant " + tenant, 10)));
    }

    /** Starts when at least one tenant has {@code alerts.alertmanager}; null otherwise. */
    public static AlertmanagerAlertSink startIfConfigured(LeadflowConfig config, Topics topics, String bootstrapServers,
                                                          VendorApi.Factory apis, Clock clock) {
        return startFor(config, a -> a.alertmanager() != null,
                receivers -> new AlertmanagerAlertSink(receivers, topics, bootstrapServers, apis, clock));
    }

    @Override
    protected void send(Alert alert, Receiver receiver) throws VendorApiException, InterruptedException {
        AlertsConfig.Alertmanager alertmanager = receiver.alerts().alertmanager();
        ObjectNode labels = JsonNodeFactory.instance.objectNode();
        alertmanager.labels().forEach(labels::put);
        labels.put("alertname", alertName(alert)).put("tenant", alert.getTenant()).put("kind", alert.getKind().name().toLowerCase(Locale.ROOT))
                .put("severity", alert.getSeverity().name().toLowerCase(Locale.ROOT)).put("alert_id", alert.getAlertId());
        putIfSet(labels, "team", alert.getTeam());
        putIfSet(labels, "owner", alert.getOwner());
        putIfSet(labels, "lead_id", alert.getLeadId());
        putIfSet(labels, "policy", alert.getPolicy());
        ObjectNode annotations = JsonNodeFactory.instance.objectNode()
                .put("summary", AlertTexts.title(alert, receiver.alerts().language()))
                .put("description", AlertTexts.render(alert, receiver.alerts().language(), receiver.zone()));
        putIfSet(annotations, "recipients", String.join(",", alert.getRecipients()));
        ArrayNode body = JsonNodeFactory.instance.arrayNode();
        body.addObject().<ObjectNode>set("labels", labels).<ObjectNode>set("annotations", annotations).put("startsAt", alert.getAt().toString());
        managers.get(alert.getTenant()).post(URI.create(alertmanager.url() + "/api/v2/alerts"), body, "alert " + alert.getAlertId());
    }

    /** E.g. {@code LeadflowSlaBreached}. */
    static String alertName(Alert alert) {
        StringBuilder name = new StringBuilder("Leadflow");
        for (String word : alert.getKind().name().split("_")) {
            name.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
        }
        return name.toString();
    }

    private static void putIfSet(ObjectNode node, String name, String value) {
        if (value != null && !value.isEmpty()) {
            node.put(name, value);
        }
    }
}
