package io.leadflow.connectors.amocrm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leadflow.avro.DeadLetter;
import io.leadflow.avro.RawEnvelope;
import io.leadflow.avro.RawKey;
import io.leadflow.avro.Vendor;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.config.TenantConfig;
import io.leadflow.connectors.client.VendorApi;
import io.leadflow.connectors.client.VendorRequests;
import io.leadflow.connectors.client.WebhookRequest;
import io.leadflow.connectors.crm.CrmEnricher;
import io.leadflow.connectors.gateway.RawEventWriter;
import io.leadflow.registry.client.SchemaRegistryClients;
import io.leadflow.simulate.Delivery;
import io.leadflow.simulate.Fact;
import io.leadflow.simulate.SimulatedAmoCrm;
import io.leadflow.simulate.VendorPayloads;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** amoCRM webhooks enriched with the deal and its contact from an account's API v4, against a real broker. */
class AmoCrmEnricherIT {
    @RegisterExtension
    static final KafkaTestBroker KAFKA = new KafkaTestBroker();
    private static final String SCOPE = "amocrm-enricher-it";
    private static final Map<String, String> REGISTRY = Map.of("schema.registry.url", "mock://" + SCOPE);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant MOVED = Instant.parse("2026-11-16T09:30:00Z");

    private static Topics topics;
    private static SimulatedAmoCrm account;

    @BeforeAll
    static void start() throws Exception {
        topics = new Topics(SchemaRegistryClients.fromConfig(REGISTRY), REGISTRY);
        KAFKA.createTopics(List.of(topics.raw(Vendor.AMOCRM).name(), topics.deadLetter().name()), 2);
        account = SimulatedAmoCrm.start("127.0.0.1");
    }

    @AfterAll
    static void stop() {
        account.close();
        SchemaRegistryClients.dropScope(SCOPE);
    }

    @Test
    void eachDealAWebhookNamesIsFetchedWithItsMainContactsPhoneAndAnUnknownDealIsADeadLetter() throws Exception {
        TenantConfig webhooksOnly = new TenantConfig(null, null, null, null, null, null, new TenantConfig.AmoCrmConfig("amo-secret"));
        LeadflowConfig config = account.serving(new LeadflowConfig(Map.of("acme", webhooksOnly)), "127.0.0.1");
        assertThat(config.tenant("acme").orElseThrow().amocrm().apiUrl()).endsWith("/acme");

        // Given a deal the account has (moved to status 556, its contact's number +7 916 123-45-67) and one webhook
        // naming it and a deal the account does not know
        Map<String, String> form = new LinkedHashMap<>(VendorPayloads.amocrmLead("status", "10001", "556", "555", "9001", 150_000L, MOVED));
        form.put("leads[status][1][id]", "99999");
        form.put("leads[status][1][status_id]", "556");
        WebhookRequest webhook = new VendorRequests("acme", webhooksOnly).amocrm(form);
        account.accept(new Delivery(MOVED, 1, "acme", Vendor.AMOCRM, webhook, Delivery.Produces.STAGE_CHANGE, false,
                new Fact.DealState("acme", "10001", "556", "P", 150_000L, "31", "79161234567", MOVED)));
        try (RawEventWriter writer = new RawEventWriter(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()),
                topics.raw(Vendor.AMOCRM), Duration.ofSeconds(10))) {
            writer.write(topics.raw(Vendor.AMOCRM), new RawKey("acme", "lead:10001"), envelope(webhook)).get();
        }

        // When the enricher runs
        Topic<RawKey, RawEnvelope> raw = topics.raw(Vendor.AMOCRM);
        List<RawEnvelope> enriched;
        List<ConsumerRecord<RawKey, DeadLetter>> deadLetters;
        try (CrmEnricher enricher = CrmEnricher.startIfConfigured(Vendor.AMOCRM, AmoCrmFetcher.forTenants(config,
                (name, rate) -> new VendorApi(name, 1000, 2, Duration.ofMillis(20))), topics, KAFKA.bootstrapServers())) {
            enriched = KafkaTestBroker.readCommitted(KAFKA.bootstrapServers(), raw.name(), raw.keySerde().deserializer(),
                    raw.valueSerde().deserializer(), 2, Duration.ofSeconds(60), Duration.ofSeconds(2)).stream().map(ConsumerRecord::value)
                    .filter(e -> e.getKind().equals(AmoCrmFetcher.KIND)).toList();
            deadLetters = KAFKA.readCommitted(topics.deadLetter().name(), topics.deadLetter().keySerde().deserializer(),
                    topics.deadLetter().valueSerde().deserializer(), 1, Duration.ofSeconds(30));
        }

        // Then the known deal is stored once, as the account shows it, with its main contact
        assertThat(enriched).singleElement().satisfies(e -> {
            assertThat(e.getDedupeKey()).isEqualTo("amocrm:api:lead:10001:" + MOVED.getEpochSecond() + ":556");
            JsonNode body = JSON.readTree(StandardCharsets.UTF_8.decode(e.getBody().duplicate()).toString());
            assertThat(body.path("lead").path("status_id").asLong()).isEqualTo(556);
            assertThat(body.path("lead").path("price").asLong()).isEqualTo(150_000);
            assertThat(body.path("contact").path("custom_fields_values").get(0).path("values").get(0).path("value").asText())
                    .isEqualTo("+79161234567");
        });
        // And the unknown one is a dead letter naming it, with the webhook's bytes
        assertThat(deadLetters).singleElement().satisfies(d -> {
            assertThat(d.value().getStage()).isEqualTo("amocrm-enrich");
            assertThat(d.value().getReason()).contains("lead:99999").contains("no deal 99999");
        });
    }

    private static RawEnvelope envelope(WebhookRequest request) {
        return RawEnvelope.newBuilder()
                .setRequestId(UUID.randomUUID().toString()).setTenant("acme").setVendor(Vendor.AMOCRM).setKind("leads/status")
                .setReceivedAt(MOVED).setMethod("POST").setPath("/hooks/acme/amocrm").setContentType(request.contentType())
                .setHeaders(Map.of()).setBody(ByteBuffer.wrap(request.body().getBytes(StandardCharsets.UTF_8)))
                .setSignatureVerified(true).setDedupeKey("amocrm:10001:556:" + MOVED.getEpochSecond() + ",99999:556:").build();
    }
}
