package io.leadflow.connectors.alerts;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leadflow.avro.Alert;
import io.leadflow.config.AlertsConfig;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.connectors.client.VendorApi;
import io.leadflow.connectors.client.VendorApi.VendorApiException;
import io.leadflow.connectors.gateway.Signatures;
import io.leadflow.topics.Topics;

import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.TreeMap;

/**
 * Alerts as signed JSON POSTs to the tenant's own endpoint. The body is the alert's fields plus the rendered text;
 * {@code X-Leadflow-Signature: sha256=<hex HMAC-SHA256(secret, body)>} proves it came from leadflow, and
 * {@code Idempotency-Key} (the alert's id) lets the receiver drop a repeat.
 */
public final class WebhookAlertSink extends AlertSink {
    public static final String SIGNATURE_HEADER = "X-Leadflow-Signature";

    private final Map<String, VendorApi> endpoints = new TreeMap<>();

    private WebhookAlertSink(Map<String, Receiver> receivers, Topics topics, String bootstrapServers, VendorApi.Factory apis, Clock clock) {
        super("webhook", receivers, topics, bootstrapServers, clock);
        receivers.keySet().forEach(tenant -> endpoints.put(tenant, apis.create("alert webhook of tenant " + tenant, 10)));
    }

    /** Starts when at least one tenant has {@code alerts.webhook}; null otherwise. */
    public static WebhookAlertSink startIfConfigured(LeadflowConfig config, Topics topics, String bootstrapServers, VendorApi.Factory apis,
                                                     Clock clock) {
        return startFor(config, a -> a.webhook() != null,
                receivers -> new WebhookAlertSink(receivers, topics, bootstrapServers, apis, clock));
    }

    @Override
    protected void send(Alert alert, Receiver receiver) throws VendorApiException, InterruptedException {
        AlertsConfig.Webhook webhook = receiver.alerts().webhook();
        ObjectNode body = JsonNodeFactory.instance.objectNode()
                .put("alertId", alert.getAlertId()).put("tenant", alert.getTenant()).put("kind", alert.getKind().name())
                .put("severity", alert.getSeverity().name()).put("leadId", alert.getLeadId()).put("team", alert.getTeam())
                .put("owner", alert.getOwner()).put("contact", alert.getContact()).put("policy", alert.getPolicy())
                .put("deadline", alert.getDeadline() == null ? null : alert.getDeadline().toString())
                .put("at", alert.getAt().toString())
                .put("text", AlertTexts.render(alert, receiver.alerts().language(), receiver.zone()))
                .put("message", alert.getMessage());
        var recipients = body.putArray("recipients");
        alert.getRecipients().forEach(recipients::add);
        endpoints.get(alert.getTenant()).write("POST", URI.create(webhook.url()), body,
                Map.of(SIGNATURE_HEADER, signature(webhook.secret(), body.toString()), "Idempotency-Key", alert.getAlertId()),
                "alert " + alert.getAlertId());
    }

    /** {@code sha256=<hex HMAC-SHA256(secret, body)>}: what a receiver computes over the raw body to check it. */
    public static String signature(String secret, String body) {
        return "sha256=" + Signatures.hmacSha256Hex(secret, body);
    }
}
