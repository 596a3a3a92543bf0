package io.leadflow.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leadflow.avro.ContactKey;
import io.leadflow.avro.LeadAssigned;
import io.leadflow.avro.LeadCreated;
import io.leadflow.avro.LeadEvent;
import io.leadflow.attribution.AttributionModel;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.connectors.client.VendorRequests;
import io.leadflow.registry.client.SchemaRegistryClients;
import io.leadflow.testing.KafkaTestBroker;
import io.leadflow.testing.MangoRequests;
import io.leadflow.topics.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

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
 * Lead queries across two engine instances sharing the work: whichever instance is asked, by phone or by
 * lead id, answers with the lead — from its own state or by asking the instance that holds it.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class LeadQueriesIT {
    @RegisterExtension
    static final KafkaTestBroker KAFKA = new KafkaTestBroker();
    private static final String SCOPE = "lead-queries-it";
    private static final Map<String, String> REGISTRY = Map.of("schema.registry.url", "mock://" + SCOPE);
    /** The demo tenant's Mango secrets, with a duty manager always on and no SLA step within the test's reach. */
    private static final LeadflowConfig CONFIG = config("""
            tenants:
              demo:
                timeZone: Europe/Moscow
                mango: {apiKey: demo-key, apiSalt: demo-salt}
                roster:
                  teams: {sales: {fallback: true}}
                  managers: {duty: {team: sales, extensions: ["105"]}}
                sla: {policies: {default: {target: P3650D, warnAt: []}}, callbacks: []}
                attribution: {hashSecret: s3cret}
            """);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int CALLERS = 12;

    @TempDir
    static Path stateDir;

    private static final List<LeadflowNode> nodes = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        nodes.add(start("a", LeadflowNode.Gateway.WEBHOOKS));
        nodes.add(start("b", LeadflowNode.Gateway.OFF));
        for (LeadflowNode node : nodes) {
            node.awaitEngineRunning(Duration.ofSeconds(90));
        }
        awaitBothInstancesOwnPartitions();
    }

    /** Otherwise one instance could hold everything and no query would need the other. */
    private static void awaitBothInstancesOwnPartitions() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(SCOPE)).all().get().get(SCOPE);
                if (group.members().size() == 2 && group.members().stream().allMatch(m -> !m.assignment().topicPartitions().isEmpty())) {
                    return;
                }
                Thread.sleep(500);
            }
        }
        throw new AssertionError("the two engine instances never shared the partitions");
    }

    private static LeadflowNode start(String name, LeadflowNode.Gateway gateway) {
        return TestNodes.start(KAFKA.bootstrapServers(), REGISTRY, CONFIG, SCOPE, stateDir.resolve(name), 4, gateway);
    }

    @AfterAll
    static void stop() {
        nodes.forEach(LeadflowNode::close);
        SchemaRegistryClients.dropScope(SCOPE);
    }

    @Test
    @org.junit.jupiter.api.Order(1)
    void everyInstanceAnswersForEveryLeadByPhoneAndById() throws Exception {
        // Given missed calls of several callers, spread over the partitions of both instances
        VendorRequests mango = new VendorRequests("demo", CONFIG.tenant("demo").orElseThrow());
        URI gateway = URI.create("http://127.0.0.1:" + nodes.get(0).httpPort());
        for (int i = 0; i < CALLERS; i++) {
            String json = MangoRequests.summaryJson("q-" + i, caller(i), false, 1_763_600_000L + i);
            assertThat(mango.mango("summary", json).send(HTTP, gateway, Duration.ofSeconds(15)).statusCode()).isEqualTo(200);
        }
        Topics topics = new Topics(SchemaRegistryClients.fromConfig(REGISTRY), REGISTRY);
        // each lead is created, then placed by the routers
        List<ConsumerRecord<ContactKey, LeadEvent>> events = KafkaTestBroker.readCommittedUntil(KAFKA.bootstrapServers(),
                topics.leadEvents().name(), topics.leadEvents().keySerde().deserializer(), topics.leadEvents().valueSerde().deserializer(),
                records -> records.stream().filter(r -> r.value().getPayload() instanceof LeadAssigned).count() >= CALLERS,
                Duration.ofSeconds(60), Duration.ofSeconds(1));
        List<ConsumerRecord<ContactKey, LeadEvent>> created = events.stream().filter(r -> r.value().getPayload() instanceof LeadCreated).toList();
        assertThat(created).hasSize(CALLERS);
        assertThat(events).hasSize(2 * CALLERS);

        // Then both instances answer for every caller, by phone (written as a person would) and by lead id
        for (LeadflowNode node : nodes) {
            for (ConsumerRecord<ContactKey, LeadEvent> event : created) {
                String contact = event.key().getContact();
                JsonNode byPhone = ok(node, "/api/leads?tenant=demo&phone=8" + contact.substring(2));
                assertThat(byPhone.get("contact").asText()).isEqualTo(contact);
                assertThat(byPhone.get("status").asText()).isEqualTo("OPEN");
                assertThat(byPhone.get("owner").asText()).isEqualTo("duty");
                JsonNode byId = ok(node, "/api/leads/" + event.value().getLeadId());
                assertThat(byId.get("leadId").asText()).isEqualTo(event.value().getLeadId());
            }
        }

        // And both instances give the whole day's channel figures, though each holds only some slices: the twelve
        // direct calls of the day, all answered by nobody, in one slice per model
        for (LeadflowNode node : nodes) {
            JsonNode linear = awaitChannels(node, "/api/channels?tenant=demo&from=2025-11-20&to=2025-11-20&model=linear", CALLERS);
            assertThat(linear.path("rows")).hasSize(1);
            JsonNode slice = linear.path("rows").get(0);
            assertThat(slice.path("source").asText() + "/" + slice.path("medium").asText()).isEqualTo("(direct)/(none)");
            assertThat(slice.path("uniqueContacts").asLong()).isEqualTo(CALLERS);
            assertThat(slice.path("answered").asDouble()).isZero();
            assertThat(ok(node, "/api/channels?tenant=demo&from=2025-11-20&to=2025-11-20").path("rows"))
                    .as("every model").hasSize(AttributionModel.values().length);
        }

        // And questions without an answer get a clear one
        LeadflowNode any = nodes.get(1);
        assertThat(get(any, "/api/channels?tenant=demo&from=2025-11-21&to=2025-11-20").statusCode()).isEqualTo(400);
        assertThat(get(any, "/api/channels?tenant=demo&from=yesterday").statusCode()).isEqualTo(400);
        assertThat(get(any, "/api/leads?tenant=demo&phone=79990000000").statusCode()).isEqualTo(404);
        assertThat(get(any, "/api/leads?tenant=demo&phone=hello").statusCode()).isEqualTo(400);
        assertThat(get(any, "/api/leads?tenant=nobody&phone=79161234567").statusCode()).isEqualTo(404);
        assertThat(get(any, "/api/leads/no-such-lead").statusCode()).isEqualTo(404);
    }

    @Test
    @org.junit.jupiter.api.Order(2)
    void whenAnInstanceGoesAwayTheOtherTakesOverItsPartitionsAndAnswersForEveryLead() throws Exception {
        // Given the leads of the first test, spread over both instances
        LeadflowNode survivor = nodes.get(0);
        // When the other instance stops (it leaves the group, so its partitions move at once)
        nodes.remove(1).close();

        // Then the survivor holds every partition and answers for every caller from its own state, restored from the
        // changelogs of the tasks it took over
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(SCOPE)).all().get().get(SCOPE);
            while (group.members().size() != 1 && System.nanoTime() < deadline) {
                Thread.sleep(200);
                group = admin.describeConsumerGroups(List.of(SCOPE)).all().get().get(SCOPE);
            }
            assertThat(group.members()).hasSize(1);
        }
        survivor.awaitEngineRunning(Duration.ofSeconds(60));
        for (int i = 0; i < CALLERS; i++) {
            String path = "/api/leads?tenant=demo&phone=" + caller(i);
            HttpResponse<String> answer = get(survivor, path);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (answer.statusCode() == 503 && System.nanoTime() < deadline) { // peer_unavailable, then not_ready, while it takes over
                Thread.sleep(200);
                answer = get(survivor, path);
            }
            assertThat(answer.statusCode()).as(path + " → " + answer.body()).isEqualTo(200);
            JsonNode lead = JSON.readTree(answer.body());
            assertThat(lead.get("status").asText()).isEqualTo("OPEN");
            assertThat(lead.get("owner").asText()).isEqualTo("duty");
        }
    }

    /** The channel figures once the slice's leads add up to {@code leads} (the aggregation trails the lead events). */
    private static JsonNode awaitChannels(LeadflowNode node, String path, int leads) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        JsonNode answer = ok(node, path);
        while (answer.path("rows").path(0).path("leads").asDouble() < leads && System.nanoTime() < deadline) {
            Thread.sleep(200);
            answer = ok(node, path);
        }
        assertThat(answer.path("rows").path(0).path("leads").asDouble()).as(answer.toString()).isEqualTo(leads);
        return answer;
    }

    private static String caller(int i) {
        return String.format("7916555%04d", i);
    }

    private static JsonNode ok(LeadflowNode node, String path) throws Exception {
        HttpResponse<String> response = get(node, path);
        assertThat(response.statusCode()).as(path + " → " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static HttpResponse<String> get(LeadflowNode node, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static LeadflowConfig config(String yaml) {
        try {
            Path file = java.nio.file.Files.createTempFile("lead-queries-it", ".yaml");
            java.nio.file.Files.writeString(file, yaml);
            file.toFile().deleteOnExit();
            return LeadflowConfig.load(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
