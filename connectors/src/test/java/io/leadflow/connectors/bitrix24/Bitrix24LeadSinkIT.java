package io.leadflow.connectors.bitrix24;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leadflow.avro.DeadLetter;
import io.leadflow.avro.LeadClass;
import io.leadflow.avro.MarketingSource;
import io.leadflow.avro.Vendor;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.config.TenantConfig;
import io.leadflow.connectors.client.VendorApi;
import io.leadflow.http.HealthChecks;
import io.leadflow.registry.client.SchemaRegistryClients;
import io.leadflow.testing.FakeBitrix24;
import io.leadflow.testing.KafkaTestBroker;
import io.leadflow.testing.LeadEventFixtures;
import io.leadflow.topics.Topic;
import io.leadflow.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** Leads into a Bitrix24-shaped portal from a real broker: once each, with owner, source and calls, through outages. */
class Bitrix24LeadSinkIT {
    @RegisterExtension
    static final KafkaTestBroker KAFKA = new KafkaTestBroker();
    private static final String SCOPE = "bitrix24-lead-sink-it";
    private static final Map<String, String> REGISTRY = Map.of("schema.registry.url", "mock://" + SCOPE);
    private static final Instant T0 = Instant.parse("2026-11-23T07:30:00Z");

    private static final LeadEventFixtures EVENTS = new LeadEventFixtures(T0);

    private static Topics topics;
    private static FakeBitrix24 portal;

    @BeforeAll
    static void start() throws Exception {
        topics = new Topics(SchemaRegistryClients.fromConfig(REGISTRY), REGISTRY);
        KAFKA.createTopics(List.of(topics.leadEvents().name(), topics.deadLetter().name()), 2);
        portal = new FakeBitrix24();
    }

    @AfterAll
    static void stop() {
        portal.close();
        SchemaRegistryClients.dropScope(SCOPE);
    }

    @Test
    void eachLeadReachesThePortalOnceWithItsOwnerSourceAndCallsThoughThePortalWasDownAndAnswersWereLost() throws Exception {
        TenantConfig tenant = new TenantConfig(null, null, null, null, null,
                new TenantConfig.Bitrix24Config("token", portal.restUrl(), new TenantConfig.Bitrix24Leads("1", null)), null);
        LeadflowConfig config = new LeadflowConfig(Map.of("acme", tenant));

        // Given two leads' events — an answered call from an ad that a rotation gave to anna (portal user 17), a
        // missed call of the same contact, a form nobody could take — while the portal is down
        portal.down(true);
        LeadEventFixtures.produce(KAFKA.bootstrapServers(), topics,
                EVENTS.created("L1", "+79161234567", LeadClass.ANSWERED_CALL, Vendor.MANGO, "entry-1", "101", 95,
                        new MarketingSource("yandex", "cpc", "brand", null, null, null, null, null)),
                EVENTS.assigned("L1", "+79161234567", 3, "anna", "bitrix24", "17"),
                EVENTS.missedCall("L1", "+79161234567", 4, "entry-2"),
                EVENTS.created("L2", "+79169999999", LeadClass.FORM, Vendor.CALLTOUCH, null, null, 0, new MarketingSource("google", "cpc", null, null, null, null, null, null)),
                EVENTS.assigned("L2", "+79169999999", 2, null, "bitrix24", null));

        try (Bitrix24LeadSink sink = Bitrix24LeadSink.startIfConfigured(config, topics, KAFKA.bootstrapServers(),
                (name, rate) -> new VendorApi(name, 1000, 2, Duration.ofMillis(20)))) {
            await(() -> sink.health().status() == HealthChecks.Status.DOWN, "the sink reports the outage");
            assertThat(portal.leads()).isEmpty();

            // When the portal comes back but loses its answers to the first writes (it did them; the sink cannot know)
            portal.loseAnswerTo("crm.lead.add");
            portal.loseAnswerTo("telephony.externalcall.register");
            portal.down(false);
            await(() -> portal.finishedCalls().size() == 2 && portal.leads().size() == 2
                    && "17".equals(portal.leads().values().stream().filter(l -> l.path("ORIGIN_ID").asText().equals("L1"))
                    .findFirst().map(l -> l.path("ASSIGNED_BY_ID").asText()).orElse("")), "everything delivered");
        }

        // Then each lead is in the portal once, with its owner, source and UTM fields
        ObjectNode call = lead("L1");
        assertThat(call.path("TITLE").asText()).isEqualTo("Входящий звонок +79161234567");
        assertThat(call.path("SOURCE_ID").asText()).isEqualTo("CALL");
        assertThat(call.path("UTM_SOURCE").asText()).isEqualTo("yandex");
        assertThat(call.path("UTM_CAMPAIGN").asText()).isEqualTo("brand");
        assertThat(call.path("PHONE").get(0).path("VALUE").asText()).isEqualTo("+79161234567");
        assertThat(call.path("ORIGINATOR_ID").asText()).isEqualTo("leadflow");
        ObjectNode form = lead("L2");
        assertThat(form.path("SOURCE_ID").asText()).isEqualTo("WEB");
        assertThat(form.path("ASSIGNED_BY_ID").asText()).isEqualTo("1"); // queued: the default user keeps it
        assertThat(portal.leads()).hasSize(2);
        // (the add whose answer was lost was found by its origin on the retry, not added again)
        assertThat(portal.calls).as(portal.calls.toString()).filteredOn("crm.lead.add"::equals).hasSize(2);
        assertThat(portal.calls).filteredOn("telephony.externalcall.register"::equals).hasSize(3);
        // And both PBX calls are in L1's card, registered and finished once: answered on 101 for 95 s, and missed
        String crmId = portal.leads().entrySet().stream().filter(e -> e.getValue().path("ORIGIN_ID").asText().equals("L1"))
                .findFirst().orElseThrow().getKey();
        assertThat(portal.registeredCalls()).containsOnlyKeys("entry-1", "entry-2");
        assertThat(portal.registeredCalls().values()).allSatisfy(c -> {
            assertThat(c.path("CRM_ENTITY_TYPE").asText()).isEqualTo("LEAD");
            assertThat(c.path("CRM_ENTITY_ID").asText()).isEqualTo(crmId);
            assertThat(c.path("TYPE").asInt()).isEqualTo(2);
        });
        assertThat(portal.registeredCalls().get("entry-1").path("USER_PHONE_INNER").asText()).isEqualTo("101");
        assertThat(portal.registeredCalls().get("entry-1").path("CALL_START_DATE").asText()).isEqualTo("2026-11-23T10:30:01+03:00");
        ObjectNode answered = portal.finishedCalls().get(portal.registeredCalls().get("entry-1").path("CALL_ID").asText());
        ObjectNode missed = portal.finishedCalls().get(portal.registeredCalls().get("entry-2").path("CALL_ID").asText());
        assertThat(answered.path("STATUS_CODE").asText() + "/" + answered.path("DURATION").asInt()).isEqualTo("200/95");
        assertThat(missed.path("STATUS_CODE").asText()).isEqualTo("304");
        // And nothing was refused
        Topic<?, DeadLetter> dlq = topics.deadLetter();
        assertThat(KAFKA.readCommitted(dlq.name(), dlq.keySerde().deserializer(), dlq.valueSerde().deserializer(), 1,
                Duration.ofSeconds(1))).extracting(ConsumerRecord::value).isEmpty();
    }

    private static ObjectNode lead(String leadId) {
        return portal.leads().values().stream().filter(l -> l.path("ORIGIN_ID").asText().equals(leadId)).findFirst().orElseThrow();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(60);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("Timed out waiting until " + what + "; portal saw " + portal.calls);
            }
            Thread.sleep(50);
        }
    }
}
