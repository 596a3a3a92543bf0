package io.leadflow.connectors.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leadflow.avro.Alert;
import io.leadflow.avro.AlertKind;
import io.leadflow.avro.AlertSeverity;
import io.leadflow.avro.ContactKey;
import io.leadflow.config.AlertsConfig;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.config.TenantConfig;
import io.leadflow.connectors.client.VendorApi;
import io.leadflow.registry.client.SchemaRegistryClients;
import io.leadflow.testing.KafkaTestBroker;
import io.leadflow.topics.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Alertmanager sink against a real Prometheus Alertmanager (Debian's {@code prometheus-alertmanager}; skipped,
 * saying so, where it is not installed): the alert is accepted and listed with leadflow's labels, and sending it again
 * leaves one alert.
 */
class RealAlertmanagerIT {
    @RegisterExtension
    static final KafkaTestBroker KAFKA = new KafkaTestBroker();
    private static final String SCOPE = "real-alertmanager-it";
    private static final Map<String, String> REGISTRY = Map.of("schema.registry.url", "mock://" + SCOPE);
    private static final List<Path> BINARIES = List.of(Path.of("/usr/bin/prometheus-alertmanager"), Path.of("/usr/local/bin/alertmanager"),
            Path.of("/usr/bin/alertmanager"));
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void alertsLandInARealAlertmanagerWithTheirLabelsOnceEach() throws Exception {
        Path binary = BINARIES.stream().filter(Files::isExecutable).findFirst().orElse(null);
        Assumptions.assumeTrue(binary != null, "no Alertmanager installed (apt-get install prometheus-alertmanager): skipped");
        int port = KafkaTestBroker.freePort();
        Path config = Files.writeString(dir.resolve("alertmanager.yml"), """
                route: {receiver: nobody, group_wait: 1h}
                receivers: [{name: nobody}]
                """);
        Process alertmanager = new ProcessBuilder(binary.toString(), "--config.file=" + config, "--storage.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port, "--cluster.listen-address=").redirectErrorStream(true)
                .redirectOutput(dir.resolve("alertmanager.log").toFile()).start();
        String url = "http://127.0.0.1:" + port;
        try {
            awaitReady(url);
            Topics topics = new Topics(SchemaRegistryClients.fromConfig(REGISTRY), REGISTRY);
            KAFKA.createTopics(List.of(topics.alerts().name(), topics.deadLetter().name()), 1);
            AlertsConfig alerts = new AlertsConfig("en", null, null, null, new AlertsConfig.Alertmanager(url, Map.of("env", "test")));
            LeadflowConfig leadflow = new LeadflowConfig(Map.of("acme",
                    new TenantConfig("Europe/Moscow", "RU", null, null, null, null, null, null, null, null, alerts, null)));
            Alert breach = Alert.newBuilder().setAlertId("L1/response:MISSED_CALL/1").setTenant("acme").setKind(AlertKind.SLA_BREACHED)
                    .setSeverity(AlertSeverity.CRITICAL).setLeadId("L1").setTeam("sales").setOwner("anna").setContact("+79161234567")
                    .setPolicy("response:MISSED_CALL").setDeadline(Instant.now().minusSeconds(2)).setRecipients(List.of("anna", "olga"))
                    .setMessage("breached").setAt(Instant.now().minusSeconds(2)).build();
            // Given the same alert twice on the topic (the one in flight when a sink stopped is sent again)
            try (KafkaProducer<ContactKey, Alert> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    KAFKA.bootstrapServers()), topics.alerts().keySerde().serializer(), topics.alerts().valueSerde().serializer())) {
                for (int i = 0; i < 2; i++) {
                    producer.send(new ProducerRecord<>(topics.alerts().name(), new ContactKey("acme", "+79161234567"), breach)).get();
                }
            }

            // When the sink delivers them
            try (AlertSink sink = AlertmanagerAlertSink.startIfConfigured(leadflow, topics, KAFKA.bootstrapServers(),
                    (name, rate) -> new VendorApi(name, 100, 2, Duration.ofMillis(50)), Clock.systemUTC())) {
                JsonNode listed = awaitAlerts(url);

                // Then Alertmanager holds one alert, with leadflow's labels and texts
                assertThat(listed).hasSize(1);
                JsonNode labels = listed.get(0).path("labels");
                assertThat(labels.path("alertname").asText()).isEqualTo("LeadflowSlaBreached");
                assertThat(labels.path("severity").asText()).isEqualTo("critical");
                assertThat(labels.path("owner").asText()).isEqualTo("anna");
                assertThat(labels.path("env").asText()).isEqualTo("test");
                assertThat(listed.get(0).path("annotations").path("summary").asText()).isEqualTo("SLA breached");
                assertThat(listed.get(0).path("status").path("state").asText()).isIn("active", "unprocessed");
            }
        } finally {
            alertmanager.destroy();
            alertmanager.waitFor();
            SchemaRegistryClients.dropScope(SCOPE);
        }
    }

    private static void awaitReady(String url) throws Exception {
        Instant deadline = Instant.now().plusSeconds(30);
        while (true) {
            try {
                if (HTTP.send(HttpRequest.newBuilder(URI.create(url + "/-/ready")).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                // still starting
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("Alertmanager did not become ready");
            }
            Thread.sleep(100);
        }
    }

    /** The alerts Alertmanager lists, once there are some and two more seconds passed (for a repeat to arrive). */
    private static JsonNode awaitAlerts(String url) throws Exception {
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            JsonNode alerts = new ObjectMapper().readTree(HTTP.send(HttpRequest.newBuilder(URI.create(url + "/api/v2/alerts")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            if (!alerts.isEmpty()) {
                Thread.sleep(2_000);
                return new ObjectMapper().readTree(HTTP.send(HttpRequest.newBuilder(URI.create(url + "/api/v2/alerts")).build(),
                        HttpResponse.BodyHandlers.ofString()).body());
            }
            Thread.sleep(200);
        }
        throw new AssertionError("Alertmanager listed no alert within 60 s");
    }
}
