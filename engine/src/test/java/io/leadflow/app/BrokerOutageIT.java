package io.leadflow.app;

import io.leadflow.avro.ContactKey;
import io.leadflow.avro.LeadCreated;
import io.leadflow.avro.LeadEvent;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.config.TenantConfig;
import io.leadflow.connectors.client.VendorRequests;
import io.leadflow.connectors.client.WebhookRequest;
import io.leadflow.local.LocalKafkaBroker;
import io.leadflow.registry.client.SchemaRegistryClients;
import io.leadflow.simulate.VendorPayloads;
import io.leadflow.testing.FakeBitrix24;
import io.leadflow.testing.KafkaTestBroker;
import io.leadflow.testing.MangoRequests;
import io.leadflow.topics.Topic;
import io.leadflow.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The durability promise under the one failure that matters most: Kafka goes away. While it is down every
 * vendor gets 503 within a bounded time and nothing is acknowledged; once it is back, the vendors' retries
 * (and a stray redelivery of an event that was already stored) land exactly once downstream — including a
 * Bitrix24 event, which needs the enrichment connector to come through the outage too.
 */
class BrokerOutageIT {
    private static final String SCOPE = "broker-outage-it";
    private static final Map<String, String> REGISTRY = Map.of("schema.registry.url", "mock://" + SCOPE);
    private static final FakeBitrix24 PORTAL = new FakeBitrix24();
    private static final TenantConfig CRM_TENANT = new TenantConfig(null, null, null, null, null,
            new TenantConfig.Bitrix24Config("crm-token", PORTAL.restUrl()), null, new TenantConfig.LeadsConfig(null, null, null, "crm-lead-id-secret"),
            null, null, null, null);
    private static final LeadflowConfig CONFIG = new LeadflowConfig(Map.of(
            "demo", LeadflowConfig.load(null).tenant("demo").orElseThrow(), "crm", CRM_TENANT));
    private static final VendorRequests DEMO = new VendorRequests("demo", CONFIG.tenant("demo").orElseThrow());
    private static final VendorRequests CRM = new VendorRequests("crm", CRM_TENANT);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration ANSWER_BOUND = LeadflowNode.ACK_TIMEOUT.plusSeconds(5);

    @TempDir
    Path dir;

    private LocalKafkaBroker broker;
    private LeadflowNode node;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
        if (broker != null) {
            broker.close();
        }
        SchemaRegistryClients.dropScope(SCOPE);
    }

    @AfterAll
    static void stopPortal() {
        PORTAL.close();
    }

    @Test
    void whileKafkaIsDownVendorsGet503AndTheirRetriesLandExactlyOnce() throws Exception {
        int kafkaPort = KafkaTestBroker.freePort();
        int controllerPort = KafkaTestBroker.freePort();
        broker = LocalKafkaBroker.start(dir.resolve("kafka"), "127.0.0.1", kafkaPort, controllerPort);
        node = TestNodes.start(broker.bootstrapServers(), REGISTRY, CONFIG, "broker-outage-it", dir.resolve("streams"), 2,
                LeadflowNode.Gateway.WEBHOOKS_AND_POLLERS);
        node.awaitEngineRunning(Duration.ofSeconds(60));
        URI base = URI.create("http://127.0.0.1:" + node.httpPort());

        // Given one summary stored while Kafka is up
        WebhookRequest stored = DEMO.mango("summary", MangoRequests.summaryJson("outage-0", "79160000000", true, 1_763_600_000L));
        assertThat(stored.send(HTTP, base, ANSWER_BOUND).statusCode()).isEqualTo(200);

        // When Kafka stops, every vendor's event is refused with 503 within the bound
        broker.close();
        broker = null;
        List<WebhookRequest> duringOutage = List.of(
                DEMO.mango("summary", MangoRequests.summaryJson("outage-1", "79161111111", false, 1_763_600_100L)),
                DEMO.zadarma(VendorPayloads.zadarmaEnd("in_outage_2", true, "79162222222", "100",
                        "74951234567", Instant.parse("2025-11-20T07:00:00Z"), 0, false, ZoneId.of("Europe/Moscow"))),
                DEMO.calltouch(Map.of("id", "outage-3", "callerphone", "79163333333", "phonenumber", "74951234567",
                        "calltime", "20/11/2025 10:00:00", "duration", "60", "source", "yandex"), true),
                DEMO.amocrm(Map.of("leads[status][0][id]", "4", "leads[status][0][status_id]", "142",
                        "leads[status][0][last_modified]", "1763600400")),
                CRM.bitrix24("ONCRMDEALUPDATE", "4711", 1_763_600_500L));
        PORTAL.putDeal("4711", "C1:WON", "S", "90000.00", "0");
        long started = System.nanoTime();
        List<HttpResponse<String>> refusals = sendAll(duringOutage, base);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(refusals).allSatisfy(r -> {
            assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
            assertThat(r.body()).contains("storage_unavailable");
        });
        assertThat(took).isLessThan(ANSWER_BOUND);

        // When Kafka is back and the vendors retry, one of them also redelivering the stored summary
        broker = LocalKafkaBroker.start(dir.resolve("kafka"), "127.0.0.1", kafkaPort, controllerPort);
        for (WebhookRequest retry : concat(duringOutage, stored)) {
            retryUntilAccepted(retry, base);
        }

        // Then every call and touch opened its caller's lead exactly once
        Topic<ContactKey, LeadEvent> events = topics().leadEvents();
        List<LeadEvent> opened = KafkaTestBroker.readCommittedUntil(broker.bootstrapServers(), events.name(), events.keySerde().deserializer(),
                        events.valueSerde().deserializer(), r -> r.stream().filter(e -> e.value().getPayload() instanceof LeadCreated).count() >= 4,
                        Duration.ofSeconds(60), Duration.ofSeconds(3)).stream()
                .map(ConsumerRecord::value).filter(e -> e.getPayload() instanceof LeadCreated).toList();
        assertThat(opened).extracting(LeadEvent::getCauseId).containsExactlyInAnyOrder(
                "mango:summary:outage-0", "mango:summary:outage-1", "zadarma:in_outage_2:NOTIFY_END", "calltouch:call:outage-3");
        // and each CRM event is stored once: the amoCRM webhook, and the Bitrix24 deal the enricher fetched (its consumer and
        // producer lived through the outage)
        assertThat(readAll(topics().raw(io.leadflow.avro.Vendor.AMOCRM), 1)).hasSize(1);
        assertThat(readAll(topics().raw(io.leadflow.avro.Vendor.BITRIX24), 2)).extracting(r -> r.value().getKind())
                .containsOnlyOnce("rest/crm.deal.get");
    }


    private static List<HttpResponse<String>> sendAll(List<WebhookRequest> requests, URI base) {
        List<CompletableFuture<HttpResponse<String>>> answers = requests.stream()
                .map(r -> CompletableFuture.supplyAsync(() -> {
                    try {
                        return r.send(HTTP, base, ANSWER_BOUND.plusSeconds(10));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }))
                .toList();
        return answers.stream().map(CompletableFuture::join).toList();
    }

    /** What a vendor does: send again, a little later, until the answer is 2xx. */
    private static void retryUntilAccepted(WebhookRequest request, URI base) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        int status;
        do {
            status = request.send(HTTP, base, ANSWER_BOUND.plusSeconds(10)).statusCode();
            if (status != 200) {
                assertThat(status).isEqualTo(503);
                Thread.sleep(500);
            }
        } while (status != 200 && System.nanoTime() < deadline);
        assertThat(status).as("accepted after Kafka came back: " + request.pathAndQuery()).isEqualTo(200);
    }

    /** The expected records, and any duplicate that turns up within a few more seconds. */
    private <K, V> List<ConsumerRecord<K, V>> readAll(Topic<K, V> topic, int expected) {
        return KafkaTestBroker.readCommitted(broker.bootstrapServers(), topic.name(), topic.keySerde().deserializer(),
                topic.valueSerde().deserializer(), expected, Duration.ofSeconds(60), Duration.ofSeconds(3));
    }

    private static Topics topics() {
        return new Topics(SchemaRegistryClients.fromConfig(REGISTRY), REGISTRY);
    }

    private static List<WebhookRequest> concat(List<WebhookRequest> list, WebhookRequest last) {
        List<WebhookRequest> all = new java.util.ArrayList<>(list);
        all.add(last);
        return all;
    }
}
