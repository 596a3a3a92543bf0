package io.leadflow.connectors.alerts;

import io.leadflow.avro.Alert;
import io.leadflow.config.AlertsConfig;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.connectors.client.TopicSink;
import io.leadflow.connectors.client.VendorApi.VendorApiException;
import io.leadflow.topics.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import java.util.TreeMap;

/**
 * Delivers {@code leadflow.alerts} to one kind of receiver (Telegram, a webhook, Alertmanager) for every tenant that
 * configured it. An alert older than the tenant's {@code alerts.maxAge} when it is read — after a replay, or an
 * outage longer than that — is dropped with a log line: people act on today's alerts. Each alert is delivered once:
 * its offset is committed as soon as the receiver has it, and every kind of receiver gets the alert's id to drop a
 * repeat of the one alert that may be in flight when the process stops.
 */
public abstract class AlertSink extends TopicSink<Alert> {
    private static final Logger log = LoggerFactory.getLogger(AlertSink.class);

    /** A tenant's alert settings and its zone, for the messages. */
    protected record Receiver(AlertsConfig alerts, ZoneId zone) {
    }

    private final Map<String, Receiver> receivers = new TreeMap<>();
    private final Clock clock;

    /** @param kind e.g. {@code telegram}: names the consumer group and the dead letters' stage */
    protected AlertSink(String kind, Map<String, Receiver> receivers, Topics topics, String bootstrapServers, Clock clock) {
        super("alerts to " + kind, "leadflow-alerts-" + kind, kind + "-alert-sink", topics.alerts(), topics, bootstrapServers);
        this.receivers.putAll(receivers);
        this.clock = clock;
    }

    /**
     * Starts a sink for the tenants whose alerts configuration has the channel {@code has} tests for; null when none has.
     */
    protected static <S extends AlertSink> S startFor(LeadflowConfig config, java.util.function.Predicate<AlertsConfig> has,
                                                      java.util.function.Function<Map<String, Receiver>, S> sink) {
        Map<String, Receiver> receivers = new TreeMap<>();
        config.tenants().forEach((id, tenant) -> {
            if (tenant.alerts() != null && has.test(tenant.alerts())) {
                receivers.put(id, new Receiver(tenant.alerts(), tenant.zone()));
            }
        });
        if (receivers.isEmpty()) {
            return null;
        }
        S started = sink.apply(receivers);
        started.start();
        return started;
    }

    @Override
    protected final String tenantOf(Alert alert) {
        return alert.getTenant();
    }

    @Override
    protected final boolean serves(String tenant) {
        return receivers.containsKey(tenant);
    }

    @Override
    protected final void deliver(Alert alert) throws VendorApiException, InterruptedException {
        Receiver receiver = receivers.get(alert.getTenant());
        Duration age = Duration.between(alert.getAt(), clock.instant());
        if (age.compareTo(receiver.alerts().maxAge()) > 0) {
            log.info("Not sending alert {} of {}: it is {} old (alerts.maxAge {})", alert.getAlertId(), alert.getTenant(), age,
                    receiver.alerts().maxAge());
            return;
        }
        send(alert, receiver);
    }

    /** Sends one alert to this receiver; safe to repeat. */
    protected abstract void send(Alert alert, Receiver receiver) throws VendorApiException, InterruptedException;
}
