package io.leadflow.connectors.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leadflow.avro.RawEnvelope;
import io.leadflow.avro.RawKey;
import io.leadflow.avro.Vendor;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.config.TenantConfig;
import io.leadflow.connectors.VendorWebhooks;
import io.leadflow.connectors.client.VendorRequests;
import io.leadflow.connectors.client.WebhookRequest;
import io.leadflow.http.HealthChecks;
import io.leadflow.http.HttpServer;
import io.leadflow.registry.client.SchemaRegistryClients;
import io.leadflow.simulate.VendorPayloads;
import io.leadflow.testing.KafkaTestBroker;
import io.leadflow.topics.Topic;
import io.leadflow.topics.Topics;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway fuzzed over real HTTP against a real broker: valid signed requests of every vendor, mutated (bytes,
 * cuts, noise, another content type, another path, a tampered query), sent as they come. Every answer is a 2xx
 * (stored) or a 4xx with a JSON body naming the problem — never a 5xx, never a hang — and the raw topics hold exactly
 * as many records as there were 2xx answers: nothing refused is stored, nothing acknowledged is missing.
 */
class WebhookGatewayFuzzIT {
    @RegisterExtension
    static final KafkaTestBroker KAFKA = new KafkaTestBroker();
    private static final int REQUESTS = 600;
    private static final String SCOPE = "webhook-gateway-fuzz-it";
    private static final Map<String, String> REGISTRY = Map.of("schema.registry.url", "mock://" + SCOPE);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] CONTENT_TYPES = {"application/x-www-form-urlencoded", "application/json", "text/plain",
            "multipart/form-data; boundary=x", "application/x-www-form-urlencoded; charset=koi8-r", ""};

    @Test
    void mutatedRequestsOfEveryVendorGetStoredOrAClearRefusalNeverA5xxAndOnlyAcknowledgedOnesAreStored() throws Exception {
        LeadflowConfig config = LeadflowConfig.load(null);
        TenantConfig demo = config.tenant("demo").orElseThrow();
        Topics topics = new Topics(SchemaRegistryClients.fromConfig(REGISTRY), REGISTRY);
        List<String> rawTopics = VendorWebhooks.all().stream().map(w -> topics.raw(w.vendor()).name()).toList();
        KAFKA.createTopics(rawTopics, 1);
        Topic<RawKey, RawEnvelope> anyRaw = topics.raw(Vendor.MANGO);
        VendorRequests requests = new VendorRequests("demo", demo);
        Instant at = Instant.parse("2024-05-21T11:03:27Z");
        List<WebhookRequest> valid = List.of(
                requests.mango("summary", VendorPayloads.mangoSummary("f-1", true, "79161234567", "101", "74951234567", at, at.plusSeconds(3), at.plusSeconds(60))),
                requests.zadarma(VendorPayloads.zadarmaEnd("in_1", true, "79161234567", "100", "74951234567", at, 30, true, ZoneId.of("Europe/Moscow"))),
                requests.calltouch(Map.of("id", "501", "callerphone", "79161234567", "phonenumber", "74953079699", "calltime", "21/05/2024 14:03:27"), true),
                requests.bitrix24("ONCRMDEALUPDATE", "4711", at.getEpochSecond()),
                requests.amocrm(VendorPayloads.amocrmLead("status", "101", "556", "555", "9001", 1000L, at)));

        int acknowledged = 0;
        List<String> problems = new ArrayList<>();
        try (RawEventWriter writer = new RawEventWriter(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()),
                anyRaw, Duration.ofSeconds(10));
             HttpServer server = new HttpServer(new HealthChecks(), 64 * 1024)) {
            new WebhookGateway(config, topics, writer, Duration.ofSeconds(10), VendorWebhooks.all()).mount(server);
            server.start("127.0.0.1", 0);
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            Random random = new Random(20261123);
            for (int i = 0; i < REQUESTS; i++) {
                WebhookRequest base = valid.get(random.nextInt(valid.size()));
                HttpResponse<String> answer = send(http, server.port(), i < valid.size() ? valid.get(i) : base, i < valid.size() ? -1 : random.nextInt(6), random);
                int status = answer.statusCode();
                if (status / 100 == 2) {
                    acknowledged++;
                } else if (status / 100 == 4) {
                    JsonNode error = json(answer.body());
                    if (error.path("error").asText().isBlank() || error.path("message").asText().isBlank()) {
                        problems.add(status + " without a JSON error for " + answer.request().uri() + ": " + answer.body());
                    }
                } else {
                    problems.add(status + ": " + answer.body());
                }
            }
        }

        assertThat(problems).as("answers other than 2xx or a 4xx with a JSON error").isEmpty();
        assertThat(acknowledged).as("the unmutated requests were stored").isGreaterThanOrEqualTo(valid.size());
        long stored = rawTopics.stream().mapToLong(t -> KafkaTestBroker.readAllCommitted(KAFKA.bootstrapServers(), t,
                new ByteArrayDeserializer(), new ByteArrayDeserializer(), Duration.ofSeconds(30)).size()).sum();
        assertThat(stored).as("records on the raw topics = requests acknowledged").isEqualTo(acknowledged);
    }

    private static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (java.io.IOException e) {
            return JSON.createObjectNode();
        }
    }

    /** The request as is (mutation -1) or mutated one way. */
    private static HttpResponse<String> send(HttpClient http, int port, WebhookRequest request, int mutation, Random random) throws Exception {
        String pathAndQuery = request.pathAndQuery();
        String contentType = request.contentType() == null ? "application/x-www-form-urlencoded" : request.contentType();
        byte[] body = request.body() == null ? new byte[0] : request.body().getBytes(StandardCharsets.UTF_8);
        String method = request.method();
        switch (mutation) {
            case 0 -> {
                body = body.clone();
                for (int n = 1 + random.nextInt(4); n > 0 && body.length > 0; n--) {
                    body[random.nextInt(body.length)] = (byte) random.nextInt(256);
                }
            }
            case 1 -> body = Arrays.copyOf(body, random.nextInt(body.length + 1));
            case 2 -> {
                body = new byte[random.nextInt(2_000)];
                random.nextBytes(body);
            }
            case 3 -> contentType = CONTENT_TYPES[random.nextInt(CONTENT_TYPES.length)];
            case 4 -> pathAndQuery = pathAndQuery.replace("/demo/", random.nextBoolean() ? "/Demo/" : "/demo%00/")
                    + (random.nextBoolean() ? "/../../x" : "");
            case 5 -> pathAndQuery = pathAndQuery.contains("?") ? pathAndQuery.replaceAll("=[^&]*", "=%ff%fe")
                    : pathAndQuery + "?secret=" + "x".repeat(random.nextInt(100));
            default -> {
            }
        }
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery)).timeout(Duration.ofSeconds(20));
        if (!contentType.isEmpty()) {
            builder.header("Content-Type", contentType);
        }
        request.headers().forEach(builder::header);
        builder.method(method, "GET".equals(method) ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }
}
