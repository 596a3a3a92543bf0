package io.leadflow.app;

import io.leadflow.config.LeadflowConfig;
import io.leadflow.http.HealthChecks;
import io.leadflow.testing.EngineProcess;
import io.leadflow.testing.KafkaTestBroker;
import io.leadflow.testing.MangoRequests;
import io.leadflow.testing.ThirdPartyAvro;
import io.leadflow.topics.Topics;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * leadflow against the images its users run beside it (those of {@code ops/compose}): Apache Kafka and Confluent Schema
 * Registry in containers, the engine as the built jar in a process of its own, a gateway in front. A signed call
 * becomes one lead, decodable by any Confluent client; the engine killed -9 and started again neither loses nor
 * doubles one. Needs a Docker engine: where there is none (these build machines) JUnit reports the class as skipped
 * rather than passing silently.
 */
@Testcontainers(disabledWithoutDocker = true)
class StackIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Network NETWORK = Network.newNetwork();
    private static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.1.0")
            .withNetwork(NETWORK).withNetworkAliases("kafka").withListener("kafka:19092");
    private static final GenericContainer<?> REGISTRY = new GenericContainer<>("confluentinc/cp-schema-registry:7.9.0")
            .withNetwork(NETWORK)
            .withEnv("SCHEMA_REGISTRY_HOST_NAME", "schema-registry")
            .withEnv("SCHEMA_REGISTRY_LISTENERS", "http://0.0.0.0:8081")
            .withEnv("SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS", "PLAINTEXT://kafka:19092")
            .withExposedPorts(8081)
            .waitingFor(Wait.forHttp("/subjects").forStatusCode(200).withStartupTimeout(Duration.ofMinutes(2)))
            .dependsOn(KAFKA);

    @TempDir
    static Path dir;

    private static String registryUrl;
    private static EngineProcess engine;
    private static LeadflowNode gateway;

    @BeforeAll
    static void startTheStack() throws Exception {
        KAFKA.start();
        REGISTRY.start();
        registryUrl = "http://" + REGISTRY.getHost() + ":" + REGISTRY.getMappedPort(8081);
        engine = new EngineProcess("512m", KAFKA.getBootstrapServers(), registryUrl, null, dir.resolve("state"), KafkaTestBroker.freePort(),
                dir.resolve("engine.log"), List.of("--application-id=stack-it", "--partitions=2"));
        engine.start();
        engine.awaitReady(Duration.ofMinutes(2));
        gateway = LeadflowNode.start(KAFKA.getBootstrapServers(), Map.of("schema.registry.url", registryUrl), LeadflowConfig.load(null),
                HttpOptions.of("127.0.0.1", 0, 256 * 1024), null, LeadflowNode.Gateway.WEBHOOKS, new HealthChecks());
    }

    @AfterAll
    static void stopTheStack() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (engine != null) {
            engine.stop();
        }
        REGISTRY.stop();
        KAFKA.stop();
        NETWORK.close();
    }

    @Test
    void callsBecomeOneLeadEachReadableByAConfluentClientThroughAKillNine() throws Exception {
        // Given a missed call posted to the gateway, signed as Mango signs it
        assertThat(postMango(MangoRequests.summaryJson("stack-1", "89161230001", false, 1_763_600_000L))).isEqualTo(200);
        // Then its lead is committed in the Confluent wire format, its schema registered with Confluent's registry
        assertThat(createdLeads(1)).containsExactly("stack-1");
        assertThat(get(registryUrl + "/subjects")).contains("\"" + Topics.LEAD_EVENTS + "-value\"");

        // When the engine is killed -9, a second call arrives while it is down, the first is delivered again, and it restarts
        engine.kill9();
        assertThat(postMango(MangoRequests.summaryJson("stack-2", "89161230002", false, 1_763_600_060L))).isEqualTo(200);
        assertThat(postMango(MangoRequests.summaryJson("stack-1", "89161230001", false, 1_763_600_000L))).isEqualTo(200);
        engine.start();
        engine.awaitReady(Duration.ofMinutes(2));

        // Then there are two leads, one per call: the second not lost, the first not doubled
        assertThat(createdLeads(2)).containsExactlyInAnyOrder("stack-1", "stack-2");
    }

    /**
     * The calls of the LeadCreated events committed, once at least {@code expected} are and the engine has consumed
     * every raw record (so that a lead created twice would be there too).
     */
    private static List<String> createdLeads(int expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (createdLeads().size() < expected && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        KafkaTestBroker.awaitConsumed(KAFKA.getBootstrapServers(), "stack-it", List.of("leadflow.raw.mango"), Duration.ofSeconds(60));
        return createdLeads();
    }

    private static List<String> createdLeads() throws Exception {
        List<String> calls = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : KafkaTestBroker.readAllCommitted(KAFKA.getBootstrapServers(), Topics.LEAD_EVENTS,
                new ByteArrayDeserializer(), new ByteArrayDeserializer(), Duration.ofSeconds(30))) {
            GenericRecord payload = (GenericRecord) ThirdPartyAvro.decode(registryUrl, record.value()).get("payload");
            if (payload.getSchema().getName().equals("LeadCreated")) {
                calls.add(payload.get("callId").toString());
            }
        }
        return calls;
    }

    private static int postMango(String json) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.httpPort() + "/hooks/demo/mango/events/summary"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(MangoRequests.signedForm(json))).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static String get(String url) throws Exception {
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as("GET %s", url).isEqualTo(200);
        return answer.body();
    }
}
