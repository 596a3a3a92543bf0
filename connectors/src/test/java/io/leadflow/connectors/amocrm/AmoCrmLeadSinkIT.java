package io.leadflow.connectors.amocrm;

import com.fasterxml.jackson.databind.JsonNode;
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
import io.leadflow.testing.FakeAmoCrm;
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

/** Leads into an amoCRM-shaped account from a real broker: a deal each, once, with owner, source and calls, through a revoked token and lost answers. */
class AmoCrmLeadSinkIT {
    @RegisterExtension
    static final KafkaTestBroker KAFKA = new KafkaTestBroker();
    private static final String SCOPE = "amocrm-lead-sink-it";
    private static final Map<String, String> REGISTRY = Map.of("schema.registry.url", "mock://" + SCOPE);
    private static final Instant T0 = Instant.parse("2026-11-16T07:30:00Z");
    private static final long LEAD_ID_FIELD = 777001;
    private static final long DEFAULT_USER = 5550001;

    private static final LeadEventFixtures EVENTS = new LeadEventFixtures(T0);

    private static Topics topics;
    private static FakeAmoCrm account;

    @BeforeAll
    static void start() throws Exception {
        topics = new Topics(SchemaRegistryClients.fromConfig(REGISTRY), REGISTRY);
        KAFKA.createTopics(List.of(topics.leadEvents().name(), topics.deadLetter().name()), 2);
        account = new FakeAmoCrm();
    }

    @AfterAll
    static void stop() {
        account.close();
        SchemaRegistryClients.dropScope(SCOPE);
    }

    @Test
    void eachLeadBecomesOneDealWithItsOwnerSourceAndCallsThoughTheTokenWasRevokedAndAnswersWereLost() throws Exception {
        TenantConfig tenant = new TenantConfig(null, null, null, null, null, null, new TenantConfig.AmoCrmConfig("secret",
                account.apiUrl(), "amo-token", new TenantConfig.AmoCrmLeads(LEAD_ID_FIELD, DEFAULT_USER, null, null)));
        LeadflowConfig config = new LeadflowConfig(Map.of("acme", tenant));
        // Given a caller the account knows already (typed in by hand), and an account that refuses leadflow's token
        long known = account.putContact("Иван Петров", "+7 (916) 123-45-67");
        account.acceptToken("a-newer-token");
        // And three leads' events: an answered call from an ad, given to anna (amoCRM user 6012301), then a missed call
        // of the same contact; a form nobody could take; a form given to a manager whose roster entry has a typo
        LeadEventFixtures.produce(KAFKA.bootstrapServers(), topics,
                EVENTS.created("L1", "+79161234567", LeadClass.ANSWERED_CALL, Vendor.MANGO, "entry-1", "101", 95,
                        new MarketingSource("yandex", "cpc", "brand", null, null, null, null, null)),
                EVENTS.assigned("L1", "+79161234567", 3, "anna", "amocrm", "6012301"),
                EVENTS.missedCall("L1", "+79161234567", 4, "entry-2"),
                EVENTS.created("L2", "+79169999999", LeadClass.FORM, Vendor.CALLTOUCH, null, null, 0, new MarketingSource("google", "cpc", null, null, null, null, null, null)),
                EVENTS.assigned("L2", "+79169999999", 2, null, "amocrm", null),
                EVENTS.created("L3", "+79167777777", LeadClass.FORM, Vendor.CALLTOUCH, null, null, 0, null),
                EVENTS.assigned("L3", "+79167777777", 2, "boris", "amocrm", "boris-amo"));

        try (AmoCrmLeadSink sink = AmoCrmLeadSink.startIfConfigured(config, topics, KAFKA.bootstrapServers(),
                (name, rate) -> new VendorApi(name, 1000, 2, Duration.ofMillis(20)))) {
            // When the token is refused, the sink waits and says why; nothing is written, nothing dead-lettered
            await(() -> sink.health().status() == HealthChecks.Status.DOWN, "the sink reports the refused token");
            assertThat(sink.health().detail()).contains("401");
            assertThat(account.deals()).isEmpty();
            assertThat(deadLetters(1, Duration.ofSeconds(1))).isEmpty();

            // When the account takes the token again but the answers to the first deal and the first call note are lost
            account.loseAnswerTo("POST /api/v4/leads/complex");
            account.loseAnswerTo("POST /api/v4/leads/{id}/notes");
            account.acceptToken("amo-token");
            await(() -> account.deals().size() == 3 && deadLetters(1, Duration.ofMillis(300)).size() == 1
                    && deal("L1").map(d -> d.path("responsible_user_id").asLong() == 6012301).orElse(false)
                    && deal("L1").map(d -> account.notes(d.path("id").asLong()).size() == 2).orElse(false), "everything delivered");
            assertThat(sink.health().status()).isEqualTo(HealthChecks.Status.UP);
        }

        // Then each lead is one deal, with its title, lead id, UTM fields and tags, and the known caller's contact
        ObjectNode call = deal("L1").orElseThrow();
        assertThat(call.path("name").asText()).isEqualTo("Входящий звонок +79161234567");
        assertThat(field(call, "UTM_SOURCE")).isEqualTo("yandex");
        assertThat(field(call, "UTM_CAMPAIGN")).isEqualTo("brand");
        assertThat(call.path("created_at").asLong()).isEqualTo(T0.plusSeconds(1).getEpochSecond());
        assertThat(call.path("_embedded").path("tags").findValuesAsText("name")).containsExactly("leadflow", "mango");
        assertThat(call.path("_embedded").path("contacts").path(0).path("id").asLong()).isEqualTo(known);
        ObjectNode form = deal("L2").orElseThrow();
        assertThat(form.path("name").asText()).isEqualTo("Заявка с сайта +79169999999");
        assertThat(form.path("responsible_user_id").asLong()).isEqualTo(DEFAULT_USER); // queued: the default user keeps it
        assertThat(account.contacts()).hasSize(3); // the known caller + the two new ones, no copy of the known one
        // (the add whose answer was lost was found by its lead id on the retry, not added again)
        assertThat(account.requests).filteredOn("POST /api/v4/leads/complex"::equals).hasSize(3);
        // And both PBX calls are noted in L1's deal once: answered on 101 for 95 s, and missed
        List<ObjectNode> notes = account.notes(call.path("id").asLong());
        assertThat(notes).extracting(n -> n.path("params").path("uniq").asText()).containsExactlyInAnyOrder("entry-1", "entry-2");
        assertThat(notes).allSatisfy(n -> assertThat(n.path("note_type").asText()).isEqualTo("call_in"));
        JsonNode answered = notes.stream().filter(n -> n.path("params").path("uniq").asText().equals("entry-1")).findFirst().orElseThrow();
        assertThat(answered.path("params").path("call_status").asInt()).isEqualTo(AmoCrmLeadSink.CALL_TALKED);
        assertThat(answered.path("params").path("duration").asInt()).isEqualTo(95);
        assertThat(answered.path("params").path("call_responsible").asText()).isEqualTo("доб. 101");
        JsonNode missed = notes.stream().filter(n -> n.path("params").path("uniq").asText().equals("entry-2")).findFirst().orElseThrow();
        assertThat(missed.path("params").path("call_status").asInt()).isEqualTo(AmoCrmLeadSink.CALL_NOT_REACHED);
        assertThat(account.requests).filteredOn("POST /api/v4/leads/{id}/notes"::equals).hasSize(2);
        // And the assignment amoCRM could not take is a dead letter saying why, and the other leads went on
        List<DeadLetter> refusals = deadLetters(2, Duration.ofSeconds(1));
        assertThat(refusals).hasSize(1);
        DeadLetter refused = refusals.get(0);
        assertThat(refused.getStage()).isEqualTo("amocrm-lead-sink");
        assertThat(refused.getReason()).contains("boris").contains("not an amoCRM user id");
        assertThat(deal("L3").orElseThrow().path("responsible_user_id").asLong()).isEqualTo(DEFAULT_USER);
    }

    private static java.util.Optional<ObjectNode> deal(String leadId) {
        return account.deals().values().stream().filter(d -> leadId.equals(fieldById(d))).findFirst();
    }

    private static String fieldById(JsonNode deal) {
        for (JsonNode field : deal.path("custom_fields_values")) {
            if (field.path("field_id").asLong() == LEAD_ID_FIELD) {
                return field.path("values").path(0).path("value").asText();
            }
        }
        return null;
    }

    private static String field(JsonNode deal, String code) {
        for (JsonNode field : deal.path("custom_fields_values")) {
            if (code.equals(field.path("field_code").asText())) {
                return field.path("values").path(0).path("value").asText();
            }
        }
        return null;
    }

    /** The dead letters there are, reading until {@code enough} arrived or {@code wait} passed. */
    private static List<DeadLetter> deadLetters(int enough, Duration wait) {
        Topic<?, DeadLetter> dlq = topics.deadLetter();
        return KAFKA.readCommitted(dlq.name(), dlq.keySerde().deserializer(), dlq.valueSerde().deserializer(), enough, wait)
                .stream().map(ConsumerRecord::value).toList();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(60);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("Timed out waiting until " + what + "; the account saw " + account.requests);
            }
            Thread.sleep(50);
        }
    }
}
