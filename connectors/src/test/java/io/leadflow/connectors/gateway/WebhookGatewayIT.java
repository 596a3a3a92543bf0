package io.leadflow.connectors.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leadflow.avro.RawEnvelope;
import io.leadflow.avro.RawKey;
import io.leadflow.avro.Vendor;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.connectors.mango.MangoWebhook;
import io.leadflow.http.HealthChecks;
import io.leadflow.http.HttpServer;
import io.leadflow.registry.client.SchemaRegistryClients;
import io.leadflow.testing.KafkaTestBroker;
import io.leadflow.testing.MangoRequests;
import io.leadflow.topics.Topic;
import io.leadflow.topics.Topics;
import org.apache.kafka.clients.CommonClientConfigs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The gateway over real HTTP against a real broker: what is acknowledged is stored, what is refused is not. */
class WebhookGatewayIT {
    @RegisterExtension
    static final KafkaTestBroker KAFKA = new KafkaTestBroker();
    private static final String SCOPE = "webhook-gateway-it";
    private static final Map<String, String> REGISTRY = Map.of("schema.registry.url", "mock://" + SCOPE);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private static Topics topics;
    private static Topic<RawKey, RawEnvelope> raw;
    private static RawEventWriter writer;
    private static HttpServer server;

    @BeforeAll
    static void start() throws Exception {
        topics = new Topics(SchemaRegistryClients.fromConfig(REGISTRY), REGISTRY);
        raw = topics.raw(Vendor.MANGO);
        KAFKA.createTopics(List.of(raw.name()), 2);
        writer = new RawEventWriter(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()), raw, Duration.ofSeconds(10));
        server = new HttpServer(new HealthChecks(), 64 * 1024);
        new WebhookGateway(LeadflowConfig.load(null), topics, writer, Duration.ofSeconds(10), List.of(new MangoWebhook())).mount(server);
        server.start("127.0.0.1", 0);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (writer != null) {
            writer.close();
        }
        SchemaRegistryClients.dropScope(SCOPE);
    }

    @Test
    void anAcknowledgedEventIsInKafkaVerbatimAndARefusedOneIsNot() throws Exception {
        // Given one valid and one forged summary
        String json = MangoRequests.summaryJson("E-ack", "79161234567", false, 1_700_000_000L);
        String valid = MangoRequests.signedForm(json);
        String forged = MangoRequests.form(MangoRequests.KEY, MangoWebhook.sign(MangoRequests.KEY, json, "wrong"), json);

        // When both are posted
        HttpResponse<String> forgedAnswer = post("/hooks/demo/mango/events/summary", "application/x-www-form-urlencoded", forged);
        HttpResponse<String> validAnswer = post("/hooks/demo/mango/events/summary", "application/x-www-form-urlencoded", valid);

        // Then the forged one is 401 with a JSON error and the valid one 200
        assertThat(forgedAnswer.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(forgedAnswer.body()).get("error").asText()).isEqualTo("invalid_signature");
        assertThat(validAnswer.statusCode()).isEqualTo(200);
        JsonNode ack = JSON.readTree(validAnswer.body());
        assertThat(ack.get("status").asText()).isEqualTo("stored");

        // And exactly the valid request is on the raw topic, byte for byte
        var records = KAFKA.readCommitted(raw.name(), raw.keySerde().deserializer(), raw.valueSerde().deserializer(), 2, Duration.ofSeconds(5));
        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo(new RawKey("demo", "E-ack"));
            RawEnvelope e = r.value();
            assertThat(e.getRequestId()).isEqualTo(ack.get("requestId").asText());
            assertThat(StandardCharsets.UTF_8.decode(e.getBody()).toString()).isEqualTo(valid);
            assertThat(e.getDedupeKey()).isEqualTo("mango:summary:E-ack");
            assertThat(e.getSignatureVerified()).isTrue();
            assertThat(e.getKind()).isEqualTo("events/summary");
            assertThat(e.getHeaders()).containsEntry("content-type", "application/x-www-form-urlencoded");
        });
    }

    @Test
    void refusalsAreJsonWithTheRightStatus() throws Exception {
        String form = MangoRequests.signedForm("{}");
        assertError(post("/hooks/nobody/mango/events/summary", "application/x-www-form-urlencoded", form), 404, "unknown_tenant");
        assertError(post("/hooks/demo/mango/events/summary", "text/plain", form), 415, "unsupported_media_type");
        assertError(post("/hooks/demo/mango/events/summary", "application/x-www-form-urlencoded", "x=" + "a".repeat(70 * 1024)), 413, "content_too_large");
        assertError(post("/hooks/demo/nothing", "application/x-www-form-urlencoded", form), 404, "not_found");
    }

    @Test
    void whenKafkaCannotTakeTheEventTheVendorGets503WithinTheBound() throws Exception {
        // A writer pointed at a port where no broker listens: the write can never be acknowledged
        try (RawEventWriter deadEnd = new RawEventWriter(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1"), raw, Duration.ofSeconds(2));
             HttpServer isolated = new HttpServer(new HealthChecks(), 64 * 1024)) {
            WebhookGateway gateway = new WebhookGateway(LeadflowConfig.load(null), topics, deadEnd, Duration.ofSeconds(2), List.of(new MangoWebhook()));
            gateway.mount(isolated);
            isolated.start("127.0.0.1", 0);
            assertThat(gateway.health().status()).isEqualTo(HealthChecks.Status.UP);
            String form = MangoRequests.signedForm(MangoRequests.summaryJson("E-503", "79161234567", true, 1_700_000_000L));

            HttpResponse<String> answer = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + isolated.port() + "/hooks/demo/mango/events/summary"))
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());

            assertError(answer, 503, "storage_unavailable");
            assertThat(gateway.health().status()).isEqualTo(HealthChecks.Status.DOWN);
            assertThat(gateway.health().detail()).startsWith("last write failed at").contains("Kafka did not");
        }
    }

    private static void assertError(HttpResponse<String> response, int status, String code) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("error").asText()).isEqualTo(code);
        assertThat(body.get("message").asText()).isNotBlank();
    }

    private static HttpResponse<String> post(String path, String contentType, String body) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
