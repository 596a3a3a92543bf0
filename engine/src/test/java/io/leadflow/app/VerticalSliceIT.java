package io.leadflow.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.leadflow.avro.DeadLetter;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.connectors.mango.MangoWebhook;
import io.leadflow.registry.client.SchemaRegistryClients;
import io.leadflow.registry.serde.SpecificAvroDeserializer;
import io.leadflow.registry.server.EmbeddedSchemaRegistry;
import io.leadflow.testing.KafkaTestBroker;
import io.leadflow.testing.MangoRequests;
import io.leadflow.testing.ThirdPartyAvro;
import io.leadflow.topics.Topics;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The thin slice as a vendor and a marketing analyst see it: a signed Mango summary posted over HTTP
 * becomes a created LeadEvent on leadflow.lead-events, decodable with nothing but the registry's REST
 * API and plain Avro — what any Confluent-format client does.
 */
class VerticalSliceIT {
    @RegisterExtension
    static final KafkaTestBroker KAFKA = new KafkaTestBroker();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    @TempDir
    static Path stateDir;

    private static EmbeddedSchemaRegistry registry;
    private static LeadflowNode node;

    @BeforeAll
    static void startLeadflow() throws Exception {
        registry = EmbeddedSchemaRegistry.start(new EmbeddedSchemaRegistry.Config(KAFKA.bootstrapServers(), "127.0.0.1", 0, "_schemas", (short) 1));
        node = TestNodes.start(KAFKA.bootstrapServers(), Map.of("schema.registry.url", registry.url()), LeadflowConfig.load(null),
                "vertical-slice-it", stateDir, 2, LeadflowNode.Gateway.WEBHOOKS_AND_POLLERS);
        node.awaitEngineRunning(Duration.ofSeconds(60));
    }

    @AfterAll
    static void stopLeadflow() {
        if (node != null) {
            node.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void aSignedMangoSummaryBecomesACreatedLeadReadableByAnyConfluentClient() throws Exception {
        // Given leadflow is healthy
        HttpResponse<String> health = get("http://127.0.0.1:" + node.httpPort() + "/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(health.body()).get("status").asText()).isEqualTo("UP");

        // When Mango posts a forged and then a valid summary of a missed call
        String json = MangoRequests.summaryJson("slice-1", "89161234567", false, 1_763_600_000L);
        String forged = MangoRequests.form(MangoRequests.KEY, MangoWebhook.sign(MangoRequests.KEY, json, "not-the-salt"), json);
        assertThat(postMango(forged).statusCode()).isEqualTo(401);
        assertThat(postMango(MangoRequests.signedForm(json)).statusCode()).isEqualTo(200);

        // Then the created lead and its owner are committed together (one transaction), keyed by tenant + contact as
        // plain text, their values in the Confluent wire format
        List<ConsumerRecord<byte[], byte[]>> events = KAFKA.readCommitted(Topics.LEAD_EVENTS,
                new ByteArrayDeserializer(), new ByteArrayDeserializer(), 2, Duration.ofSeconds(60));
        assertThat(events).hasSize(2);
        assertThat(((GenericRecord) ThirdPartyAvro.decode(registry.url(), events.get(1).value()).get("payload")).getSchema().getName())
                .isEqualTo("LeadAssigned");
        assertThat(new String(events.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("demo|+79161234567");
        GenericRecord event = ThirdPartyAvro.decode(registry.url(), events.get(0).value());
        assertThat(event.getSchema().getFullName()).isEqualTo("io.leadflow.avro.LeadEvent");
        GenericRecord payload = (GenericRecord) event.get("payload");
        assertThat(payload.getSchema().getName()).isEqualTo("LeadCreated");
        assertThat(payload.get("leadClass")).hasToString("MISSED_CALL");
        assertThat(payload.get("callId")).hasToString("slice-1");
        assertThat(event.get("sequence")).isEqualTo(1L);

        // And the forged request left no trace: only the valid one of the two is on the raw topic
        var raw = KAFKA.readCommitted("leadflow.raw.mango", new ByteArrayDeserializer(), new ByteArrayDeserializer(), 3, Duration.ofSeconds(2));
        assertThat(raw).filteredOn(r -> new String(r.value(), StandardCharsets.ISO_8859_1).contains("slice-1")).hasSize(1);
    }

    @Test
    void bytesThatAreNotAvroOnARawTopicAreDeadLetteredAndTheEngineKeepsRunning() throws Exception {
        // Given garbage written straight to the raw topic, bypassing the gateway
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>("leadflow.raw.mango", "demo|junk".getBytes(StandardCharsets.UTF_8),
                    "junk value".getBytes(StandardCharsets.UTF_8))).get();
        }

        // Then a DeadLetter with the reason and the raw bytes is committed
        var registryClient = SchemaRegistryClients.fromConfig(Map.of("schema.registry.url", registry.url()));
        var letters = KAFKA.readCommitted(Topics.DEAD_LETTER, new ByteArrayDeserializer(),
                new SpecificAvroDeserializer<>(DeadLetter.class, registryClient), 1, Duration.ofSeconds(60));
        assertThat(letters).singleElement().satisfies(r -> {
            DeadLetter letter = r.value();
            assertThat(letter.getStage()).isEqualTo("deserialize");
            assertThat(letter.getReason()).contains("Confluent wire format");
            assertThat(letter.getSourceTopic()).isEqualTo("leadflow.raw.mango");
            assertThat(StandardCharsets.UTF_8.decode(letter.getKey()).toString()).isEqualTo("demo|junk");
            assertThat(StandardCharsets.UTF_8.decode(letter.getValue()).toString()).isEqualTo("junk value");
        });

        // And the engine is still healthy
        assertThat(get("http://127.0.0.1:" + node.httpPort() + "/health").statusCode()).isEqualTo(200);
    }

    private static HttpResponse<String> postMango(String form) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + "/hooks/demo/mango/events/summary"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
