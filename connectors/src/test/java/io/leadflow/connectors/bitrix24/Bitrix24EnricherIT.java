package io.leadflow.connectors.bitrix24;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leadflow.avro.DeadLetter;
import io.leadflow.avro.RawEnvelope;
import io.leadflow.avro.RawKey;
import io.leadflow.avro.Vendor;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.config.TenantConfig;
import io.leadflow.connectors.client.VendorApi;
import io.leadflow.connectors.crm.CrmEnricher;
import io.leadflow.connectors.client.VendorRequests;
import io.leadflow.connectors.gateway.RawEventWriter;
import io.leadflow.registry.client.SchemaRegistryClients;
import io.leadflow.testing.FakeBitrix24;
import io.leadflow.testing.KafkaTestBroker;
import io.leadflow.topics.Topic;
import io.leadflow.topics.Topics;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Bitrix24 events enriched over REST against a portal-shaped server and a real broker: once each, through an outage. */
class Bitrix24EnricherIT {
    @RegisterExtension
    static final KafkaTestBroker KAFKA = new KafkaTestBroker();
    private static final String SCOPE = "bitrix24-enricher-it";
    private static final Map<String, String> REGISTRY = Map.of("schema.registry.url", "mock://" + SCOPE);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Topics topics;
    private static FakeBitrix24 portal;

    @BeforeAll
    static void start() throws Exception {
        topics = new Topics(SchemaRegistryClients.fromConfig(REGISTRY), REGISTRY);
        KAFKA.createTopics(List.of(topics.raw(Vendor.BITRIX24).name(), topics.deadLetter().name()), 2);
        portal = new FakeBitrix24();
    }

    @AfterAll
    static void stop() {
        portal.close();
        SchemaRegistryClients.dropScope(SCOPE);
    }

    @Test
    void eventsAreEnrichedExactlyOnceEvenWhenThePortalIsDownForAWhile() throws Exception {
        TenantConfig tenant = new TenantConfig(null, null, null, null, null, new TenantConfig.Bitrix24Config("token", portal.restUrl()), null);
        LeadflowConfig config = new LeadflowConfig(Map.of("acme", tenant));
        portal.putDeal("4711", "C1:WON", "S", "150000.00", "31");
        portal.putContact("31", "+7 916 123-45-67");
        portal.putDeal("4712", "C1:NEW", "P", "0.00", "0");

        // Given three stored events, one of a deal the portal no longer has, while the portal answers 503
        portal.failNext(4);
        try (RawEventWriter writer = new RawEventWriter(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()),
                topics.raw(Vendor.BITRIX24), Duration.ofSeconds(10))) {
            for (String id : List.of("4711", "4712", "9999")) {
                writer.write(topics.raw(Vendor.BITRIX24), new RawKey("acme", "deal:" + id), event(id)).get();
            }
        }

        // When the enricher runs (with a short backoff) and the portal recovers
        CrmEnricher enricher = CrmEnricher.startIfConfigured(Vendor.BITRIX24, Bitrix24Fetcher.forTenants(config,
                (name, rate) -> new VendorApi(name, 1000, 2, Duration.ofMillis(20))), topics, KAFKA.bootstrapServers());
        Topic<RawKey, RawEnvelope> raw = topics.raw(Vendor.BITRIX24);
        List<ConsumerRecord<RawKey, RawEnvelope>> all;
        List<ConsumerRecord<RawKey, DeadLetter>> deadLetters;
        try (enricher) {
            all = KafkaTestBroker.readCommitted(KAFKA.bootstrapServers(), raw.name(), raw.keySerde().deserializer(),
                    raw.valueSerde().deserializer(), 5, Duration.ofSeconds(60), Duration.ofSeconds(3));
            deadLetters = KAFKA.readCommitted(topics.deadLetter().name(), topics.deadLetter().keySerde().deserializer(),
                    topics.deadLetter().valueSerde().deserializer(), 1, Duration.ofSeconds(30));
        }

        // Then each existing deal was fetched into exactly one enriched record, the won deal with its contact
        List<RawEnvelope> enriched = all.stream().map(ConsumerRecord::value).filter(e -> e.getKind().startsWith("rest/")).toList();
        assertThat(enriched).extracting(RawEnvelope::getDedupeKey).containsExactlyInAnyOrder(
                "bitrix24:rest:deal:4711:2024-05-21T14:03:27+03:00", "bitrix24:rest:deal:4712:2024-05-21T14:03:27+03:00");
        JsonNode won = JSON.readTree(StandardCharsets.UTF_8.decode(enriched.stream()
                .filter(e -> e.getDedupeKey().contains("4711")).findFirst().orElseThrow().getBody()).toString());
        assertThat(won.path("deal").path("STAGE_ID").asText()).isEqualTo("C1:WON");
        assertThat(won.path("contact").path("PHONE").get(0).path("VALUE").asText()).isEqualTo("+7 916 123-45-67");
        assertThat(enriched).allSatisfy(e -> assertThat(e.getPath()).doesNotContain("secret-key"));
        // And the deal the portal does not know is a dead letter with the portal's reason
        assertThat(deadLetters).singleElement().satisfies(d -> {
            assertThat(d.value().getStage()).isEqualTo("bitrix24-enrich");
            assertThat(d.value().getReason()).contains("Not found");
        });
        assertThat(portal.calls).contains("crm.deal.get 4711", "crm.contact.get 31", "crm.deal.get 9999");
    }

    private static RawEnvelope event(String id) {
        var request = new VendorRequests("acme", new TenantConfig(null, null, null, null, null,
                new TenantConfig.Bitrix24Config("token", null), null)).bitrix24("ONCRMDEALUPDATE", id, 1_716_289_407L);
        return RawEnvelope.newBuilder()
                .setRequestId(UUID.randomUUID().toString()).setTenant("acme").setVendor(Vendor.BITRIX24).setKind("ONCRMDEALUPDATE")
                .setReceivedAt(Instant.now()).setMethod("POST").setPath("/hooks/acme/bitrix24").setContentType(request.contentType())
                .setHeaders(Map.of()).setBody(ByteBuffer.wrap(request.body().getBytes(StandardCharsets.UTF_8)))
                .setSignatureVerified(true).setDedupeKey("bitrix24:ONCRMDEALUPDATE:" + id + ":1716289407").build();
    }
}
