package io.leadflow.connectors.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadflow.avro.Alert;
import io.leadflow.avro.AlertKind;
import io.leadflow.avro.AlertSeverity;
import io.leadflow.avro.ContactKey;
import io.leadflow.config.AlertsConfig;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.config.TenantConfig;
import io.leadflow.connectors.client.VendorApi;
import io.leadflow.http.HealthChecks;
import io.leadflow.registry.client.SchemaRegistryClients;
import io.leadflow.testing.FakeAlertReceivers;
import io.leadflow.testing.KafkaTestBroker;
import io.leadflow.topics.Topic;
import io.leadflow.topics.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Alerts from a real broker to Telegram-, webhook- and Alertmanager-shaped receivers: each once, in the tenant's
 * language, signed, through an outage, a blocked chat and a restart; stale alerts are not sent.
 */
class AlertSinksIT {
    @RegisterExtension
    static final KafkaTestBroker KAFKA = new KafkaTestBroker();
    private static final String SCOPE = "alert-sinks-it";
    private static final Map<String, String> REGISTRY = Map.of("schema.registry.url", "mock://" + SCOPE);
    private static final Instant NOW = Instant.parse("2026-11-23T08:00:00Z"); // Monday 11:00 in Moscow
    private static final VendorApi.Factory QUICK = (name, rate) -> new VendorApi(name, 1000, 2, Duration.ofMillis(20));

    private static Topics topics;
    private static FakeAlertReceivers receivers;

    @BeforeAll
    static void start() throws Exception {
        topics = new Topics(SchemaRegistryClients.fromConfig(REGISTRY), REGISTRY);
        KAFKA.createTopics(List.of(topics.alerts().name(), topics.deadLetter().name()), 2);
        receivers = new FakeAlertReceivers("123:bot-token");
    }

    @AfterAll
    static void stop() {
        receivers.close();
        SchemaRegistryClients.dropScope(SCOPE);
    }

    @Test
    void eachAlertReachesEachReceiverOnceInTheTenantsLanguageThroughAnOutageABlockedChatAndARestart() throws Exception {
        LeadflowConfig config = config();
        Clock clock = Clock.fixed(NOW, ZoneId.of("UTC"));
        // Given receivers that are down, and a chat whose user blocked the bot
        receivers.down(true);
        receivers.blockChat("333");
        produce(alert("L1/response:MISSED_CALL/1", AlertKind.SLA_BREACHED, List.of("anna", "olga"), NOW.minusSeconds(5)),
                alert("L2/callbacks/0", AlertKind.CALLBACK_DUE, List.of("boris"), NOW.minusSeconds(3)),
                alert("L0/response:FORM/1", AlertKind.SLA_BREACHED, List.of("anna"), NOW.minus(Duration.ofDays(2)))); // stale

        try (AlertSink telegram = TelegramAlertSink.startIfConfigured(config, topics, KAFKA.bootstrapServers(), QUICK, clock);
             AlertSink webhook = WebhookAlertSink.startIfConfigured(config, topics, KAFKA.bootstrapServers(), QUICK, clock);
             AlertSink alertmanager = AlertmanagerAlertSink.startIfConfigured(config, topics, KAFKA.bootstrapServers(), QUICK, clock)) {
            // When the outage lasts, the sinks wait and say so; when it ends, they deliver
            await(() -> webhook.health().status() == HealthChecks.Status.DOWN, "the webhook sink reports the outage");
            receivers.down(false);
            await(() -> receivers.webhook.size() == 2 && receivers.alertmanager.size() == 2 && receivers.telegram.size() == 2,
                    "both fresh alerts delivered everywhere");
            await(() -> telegram.health().status() == HealthChecks.Status.UP, "the Telegram sink reports it is delivering again");
        }

        // Then Telegram: the breach to anna's and olga's chats (in Russian, Moscow time), the callback task to the group
        // (boris has no chat of his own); the chat that blocked the bot is skipped, the stale alert not sent
        assertThat(receivers.telegram).extracting(r -> r.body().path("chat_id").asText()).containsExactly("111", "-100500");
        String breach = receivers.telegram.get(0).body().path("text").asText();
        assertThat(breach).contains("Лид +79161234567").contains("пропущен срок первого ответа (23.11 10:59)").contains("anna");
        assertThat(receivers.telegram.get(1).body().path("text").asText()).startsWith("📞 Перезвоните +79169999999");
        // the webhook: signed over the exact body, with the alert id to drop repeats
        FakeAlertReceivers.Received hook = receivers.webhook.get(0);
        assertThat(hook.headers().get("X-Leadflow-Signature")).isEqualTo(WebhookAlertSink.signature("hook-secret", hook.raw()));
        assertThat(hook.headers().get("Idempotency-Key")).isEqualTo("L1/response:MISSED_CALL/1");
        assertThat(hook.body().path("kind").asText()).isEqualTo("SLA_BREACHED");
        assertThat(hook.body().path("recipients").toString()).isEqualTo("[\"anna\",\"olga\"]");
        // Alertmanager: labels to route on
        JsonNode am = receivers.alertmanager.get(0).body().path(0);
        assertThat(am.path("labels").path("alertname").asText()).isEqualTo("LeadflowSlaBreached");
        assertThat(am.path("labels").path("severity").asText()).isEqualTo("critical");
        assertThat(am.path("labels").path("tenant").asText()).isEqualTo("acme");
        assertThat(am.path("labels").path("env").asText()).isEqualTo("test");
        assertThat(am.path("annotations").path("summary").asText()).isEqualTo("Срок ответа пропущен");
        assertThat(am.path("startsAt").asText()).isEqualTo(NOW.minusSeconds(5).toString());

        // And when the sinks start again with one new alert, only that one is sent
        produce(alert("L3/response:MISSED_CALL/0", AlertKind.SLA_WARNING, List.of("anna"), NOW.minusSeconds(1)));
        try (AlertSink telegram = TelegramAlertSink.startIfConfigured(config, topics, KAFKA.bootstrapServers(), QUICK, clock);
             AlertSink webhook = WebhookAlertSink.startIfConfigured(config, topics, KAFKA.bootstrapServers(), QUICK, clock)) {
            await(() -> receivers.webhook.size() == 3 && receivers.telegram.size() == 3, "the new alert delivered");
            Thread.sleep(1_000); // and nothing more comes
        }
        assertThat(receivers.webhook).extracting(r -> r.body().path("alertId").asText())
                .containsExactly("L1/response:MISSED_CALL/1", "L2/callbacks/0", "L3/response:MISSED_CALL/0");
        assertThat(receivers.telegram).hasSize(3);
    }

    private static LeadflowConfig config() {
        AlertsConfig alerts = new AlertsConfig("ru", Duration.ofHours(1),
                new AlertsConfig.Telegram("123:bot-token", Map.of("anna", "111", "olga", "333"), "-100500", receivers.url()),
                new AlertsConfig.Webhook(receivers.url() + "/hook", "hook-secret"),
                new AlertsConfig.Alertmanager(receivers.url(), Map.of("env", "test")));
        TenantConfig acme = new TenantConfig("Europe/Moscow", "RU", null, null, null, null, null, null, null, null, alerts, null);
        return new LeadflowConfig(Map.of("acme", acme, "quiet", new TenantConfig("Europe/Moscow", "RU", null)));
    }

    private static Alert alert(String id, AlertKind kind, List<String> recipients, Instant at) {
        String lead = id.substring(0, id.indexOf('/'));
        return Alert.newBuilder().setAlertId(id).setTenant("acme").setKind(kind)
                .setSeverity(kind == AlertKind.SLA_BREACHED ? AlertSeverity.CRITICAL : AlertSeverity.INFO).setLeadId(lead).setTeam("sales")
                .setOwner(recipients.get(0)).setContact(lead.equals("L2") ? "+79169999999" : "+79161234567")
                .setPolicy(id.substring(id.indexOf('/') + 1, id.lastIndexOf('/'))).setDeadline(at).setRecipients(recipients)
                .setMessage(kind + " " + lead).setAt(at).build();
    }

    private static void produce(Alert... alerts) throws Exception {
        Topic<ContactKey, Alert> topic = topics.alerts();
        try (KafkaProducer<ContactKey, Alert> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                KAFKA.bootstrapServers()), topic.keySerde().serializer(), topic.valueSerde().serializer())) {
            for (Alert alert : alerts) {
                // one partition's order for the test's sake: all of one tenant's contact
                producer.send(new ProducerRecord<>(topic.name(), 0, alert.getAt().toEpochMilli(), new ContactKey("acme", "+79161234567"),
                        alert)).get();
            }
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(60);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("Timed out waiting until " + what + "; telegram " + receivers.telegram.size() + ", webhook "
                        + receivers.webhook.size() + ", alertmanager " + receivers.alertmanager.size());
            }
            Thread.sleep(50);
        }
    }
}
