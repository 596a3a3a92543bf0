package io.leadflow.engine;

import io.leadflow.avro.CallEvent;
import io.leadflow.avro.CallStatus;
import io.leadflow.avro.ContactEvent;
import io.leadflow.avro.ContactKey;
import io.leadflow.avro.DeadLetter;
import io.leadflow.avro.LeadClass;
import io.leadflow.avro.LeadAssigned;
import io.leadflow.avro.LeadCreated;
import io.leadflow.avro.LeadEvent;
import io.leadflow.avro.LeadState;
import io.leadflow.avro.LeadStatus;
import io.leadflow.avro.LeadTouched;
import io.leadflow.avro.RawEnvelope;
import io.leadflow.avro.RawKey;
import io.leadflow.avro.Vendor;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.config.TenantConfig;
import io.leadflow.testing.EngineDriver;
import io.leadflow.testing.MangoRequests;
import io.leadflow.topics.Topics;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The engine topology end to end in a TopologyTestDriver: raw Mango envelopes in, lead events out. */
class EngineTopologyTest {
    private static final long T0 = Instant.parse("2026-11-20T09:15:00Z").getEpochSecond();
    private static final ContactKey CALLER = new ContactKey("demo", "+79161234567");

    @TempDir
    Path stateDir;

    private EngineDriver engine;
    private TopologyTestDriver driver;
    private Topics topics;
    private TestInputTopic<RawKey, RawEnvelope> mango;
    /** Canonical calls on their way to the lead: these tests store raw records by call id, so intake re-keys them. */
    private TestOutputTopic<ContactKey, ContactEvent> calls;
    private TestOutputTopic<ContactKey, LeadEvent> leadEvents;
    private TestOutputTopic<RawKey, DeadLetter> deadLetters;

    @BeforeEach
    void startDriver() {
        engine = new EngineDriver("engine-topology-test", LeadflowConfig.load(null), stateDir);
        driver = engine.driver();
        topics = engine.topics();
        mango = engine.input(topics.raw(Vendor.MANGO));
        calls = engine.output(topics.contactEvents());
        leadEvents = engine.output(topics.leadEvents());
        deadLetters = engine.output(topics.deadLetter());
    }

    @AfterEach
    void stopDriver() {
        engine.close();
    }

    @Test
    void aMissedCallOpensAMissedCallLead() {
        // Given a missed call summary from Mango
        pipe("entry-1", MangoRequests.summaryJson("entry-1", "79161234567", false, T0));

        // Then one canonical call and one created lead for the caller
        CallEvent call = (CallEvent) calls.readValue().getEvent();
        assertThat(call.getStatus()).isEqualTo(CallStatus.MISSED);
        assertThat(call.getStartedAt()).isEqualTo(Instant.ofEpochSecond(T0));

        var created = leadEvents.readKeyValue();
        assertThat(created.key).isEqualTo(CALLER);
        assertThat(created.value.getSequence()).isEqualTo(1);
        assertThat(created.value.getPayload()).isInstanceOfSatisfying(LeadCreated.class, p -> {
            assertThat(p.getLeadClass()).isEqualTo(LeadClass.MISSED_CALL);
            assertThat(p.getCallId()).isEqualTo("entry-1");
            assertThat(p.getLine()).isEqualTo("+74951234567");
            assertThat(p.getAnsweredBy()).isNull();
        });
        assertThat(created.value.getCauseId()).isEqualTo("mango:summary:entry-1");
        assertThat(leadEvents.readValue().getPayload()).isInstanceOfSatisfying(LeadAssigned.class,
                a -> assertThat(a.getTeam()).isEqualTo("sales")); // the bundled roster's fallback team
        assertThat(leadEvents.isEmpty()).isTrue();

        LeadState state = engine.leadState(CALLER);
        assertThat(state.getStatus()).isEqualTo(LeadStatus.OPEN);
        assertThat(state.getLeadId()).isEqualTo(created.value.getLeadId());
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void aRedeliveredVendorEventChangesNothing() {
        String json = MangoRequests.summaryJson("entry-1", "79161234567", true, T0);
        pipe("entry-1", json);
        pipe("entry-1", json); // Mango retried the same summary

        assertThat(leadEvents.readValuesToList()).extracting(e -> e.getPayload().getClass().getSimpleName())
                .containsExactly("LeadCreated", "LeadResponded", "LeadAssigned"); // nothing twice
    }

    @Test
    void laterCallsOfTheSameContactTouchTheOpenLeadWhateverTheNumberFormat() {
        pipe("entry-1", MangoRequests.summaryJson("entry-1", "79161234567", true, T0));
        pipeAt("entry-2", MangoRequests.summaryJson("entry-2", "89161234567", false, T0 + 3600), Instant.ofEpochSecond(T0 + 3700));
        pipeAt("entry-3", MangoRequests.summaryJson("entry-3", "+7 (916) 123-45-67", true, T0 + 7200), Instant.ofEpochSecond(T0 + 7300));

        var events = leadEvents.readKeyValuesToList();
        assertThat(events).extracting(kv -> kv.key).containsOnly(CALLER);
        assertThat(events).extracting(kv -> kv.value.getSequence()).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(events).extracting(kv -> kv.value.getPayload().getClass().getSimpleName()) // responded once, by the first answer
                .containsExactly("LeadCreated", "LeadResponded", "LeadAssigned", "LeadTouched", "LeadTouched");
        assertThat(events).extracting(kv -> kv.value.getLeadId()).containsOnly(events.get(0).value.getLeadId());
        assertThat(events.get(2).value.getPayload()).isInstanceOfSatisfying(LeadAssigned.class, a -> {
            assertThat(a.getOwner()).isEqualTo("ivanova"); // extension 101 answered
            assertThat(a.getRule()).isEqualTo("answered-by");
        });
        assertThat(events.get(3).value.getPayload()).isInstanceOfSatisfying(LeadTouched.class,
                t -> assertThat(t.getMissed()).isTrue());
        assertThat(engine.leadState(CALLER)).satisfies(s -> {
            assertThat(s.getTouches()).isEqualTo(3);
            assertThat(s.getLastTouchAt()).isEqualTo(Instant.ofEpochSecond(T0 + 7200));
        });
    }

    @Test
    void anOutboundCallOpensNoLead() {
        String json = MangoRequests.summaryJson("entry-9", "79161234567", true, T0)
                .replace("\"call_direction\":1", "\"call_direction\":2")
                .replace("\"from\":{\"number\":\"79161234567\"}", "\"from\":{\"extension\":\"101\"}")
                .replace("\"to\":{\"extension\":\"101\",\"number\":\"74951234567\"}", "\"to\":{\"number\":\"79161234567\"}");
        pipe("entry-9", json);

        assertThat(((CallEvent) calls.readValue().getEvent()).getDirection()).hasToString("OUTBOUND");
        assertThat(leadEvents.isEmpty()).isTrue();
    }

    @Test
    void anUnparseableEnvelopeIsDeadLetteredWithItsBodyAndTheStreamGoesOn() {
        // Given a body whose json is broken, then a valid one
        String broken = MangoRequests.signedForm("{\"entry_id\":\"x\",");
        mango.pipeInput(new RawKey("demo", "x"), envelope("demo", "x", broken), Instant.ofEpochSecond(T0));
        pipe("entry-1", MangoRequests.summaryJson("entry-1", "79161234567", false, T0));

        DeadLetter letter = deadLetters.readValue();
        assertThat(letter.getReason()).contains("not valid JSON");
        assertThat(letter.getStage()).isEqualTo("intake-normalize");
        assertThat(letter.getTenant()).isEqualTo("demo");
        assertThat(letter.getSourceTopic()).isEqualTo("leadflow.raw.mango");
        assertThat(StandardCharsets.UTF_8.decode(letter.getValue()).toString()).isEqualTo(broken);
        assertThat(createdLeads()).hasSize(1);
    }

    @Test
    void anEventTimedFarAheadOfItsArrivalIsDeadLetteredAsAClockOrTimeZoneMistake() {
        // a Mango account whose epoch fields arrive three hours ahead (its "UTC+3" taken literally)
        pipeAt("entry-1", MangoRequests.summaryJson("entry-1", "79161234567", false, T0 + 3 * 3600), Instant.ofEpochSecond(T0));
        pipeAt("entry-2", MangoRequests.summaryJson("entry-2", "79161234567", false, T0 + 600), Instant.ofEpochSecond(T0)); // 10 min: tolerated

        assertThat(deadLetters.readValue().getReason()).contains("180 min after the request arrived", "timeZone");
        assertThat(calls.readValuesToList()).extracting(e -> ((CallEvent) e.getEvent()).getCallId()).containsExactly("entry-2");
    }

    @Test
    void anEnvelopeOfAnUnknownTenantIsDeadLettered() {
        String json = MangoRequests.summaryJson("entry-1", "79161234567", false, T0);
        mango.pipeInput(new RawKey("ghost", "entry-1"), envelope("ghost", "mango:summary:entry-1", MangoRequests.signedForm(json)),
                Instant.ofEpochSecond(T0));

        assertThat(deadLetters.readValue().getReason()).isEqualTo("tenant 'ghost' is not configured");
        assertThat(leadEvents.isEmpty()).isTrue();
    }

    @Test
    void bytesThatAreNotAvroDoNotStopTheStream() {
        // (that they reach the dead-letter topic is checked against a real broker in VerticalSliceIT:
        // TopologyTestDriver does not emit the records an exception handler returns)
        TestInputTopic<byte[], byte[]> rawBytes = driver.createInputTopic(topics.raw(Vendor.MANGO).name(),
                new ByteArraySerializer(), new ByteArraySerializer());
        rawBytes.pipeInput("k".getBytes(StandardCharsets.UTF_8), "not avro at all".getBytes(StandardCharsets.UTF_8));
        pipe("entry-1", MangoRequests.summaryJson("entry-1", "79161234567", false, T0));

        assertThat(createdLeads()).hasSize(1);
    }

    @Test
    void aVendorEventIdIsRememberedForTheDedupeWindowOfStreamTimeThenForgotten() {
        Duration window = EngineTopology.DEFAULT_DEDUPE_WINDOW;
        Instant received = Instant.ofEpochSecond(T0);
        Instant pastWindow = received.plus(window).plus(Duration.ofHours(1));
        String first = MangoRequests.summaryJson("entry-1", "79161234567", false, T0);
        pipeAt("entry-1", first, received);
        pipeAt("entry-1", first, received.plus(window).minus(Duration.ofHours(1)));   // redelivered within the window: dropped
        pipeAt("entry-2", MangoRequests.summaryJson("entry-2", "79161234567", false, pastWindow.getEpochSecond()), pastWindow);
        pipeAt("entry-1", first, pastWindow.plusSeconds(1)); // after the window: a new delivery

        assertThat(leadEvents.readValuesToList()).filteredOn(e -> !(e.getPayload() instanceof LeadAssigned))
                .filteredOn(e -> !e.getCauseId().startsWith("sla:")) // a week passes: the lead's SLA clocks fire meanwhile
                .extracting(e -> e.getCauseId())
                .containsExactly("mango:summary:entry-1", "mango:summary:entry-2", "mango:summary:entry-1");
    }

    @Test
    void anEngineForATenantWithoutALeadIdSecretDoesNotStartAndSaysWhichTenant() {
        LeadflowConfig withoutSecret = new LeadflowConfig(Map.of("acme",
                new TenantConfig("Europe/Moscow", "RU", new TenantConfig.MangoConfig("k", "s", 0))));
        Map<String, Object> streams = new EngineSettings("t", "unused:9092", Map.of("schema.registry.url", "mock://t"), stateDir,
                1, 1, 0, null, null).streamsProperties();

        assertThatThrownBy(() -> EngineTopology.build(topics, withoutSecret, streams))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("acme").hasMessageContaining("leads.idSecret");
    }

    private List<LeadEvent> createdLeads() {
        return leadEvents.readValuesToList().stream().filter(e -> e.getPayload() instanceof LeadCreated).toList();
    }

    private void pipe(String entryId, String json) {
        pipeAt(entryId, json, Instant.ofEpochSecond(T0 + 100));
    }

    /** As the gateway writes it: the record's timestamp is when the request was received. */
    private void pipeAt(String entryId, String json, Instant receivedAt) {
        RawEnvelope envelope = RawEnvelope.newBuilder(envelope("demo", "mango:summary:" + entryId, MangoRequests.signedForm(json)))
                .setReceivedAt(receivedAt).build();
        mango.pipeInput(new RawKey("demo", entryId), envelope, receivedAt);
    }

    private static RawEnvelope envelope(String tenant, String dedupeKey, String body) {
        return RawEnvelope.newBuilder()
                .setRequestId(UUID.randomUUID().toString())
                .setTenant(tenant)
                .setVendor(Vendor.MANGO)
                .setKind("events/summary")
                .setReceivedAt(Instant.ofEpochSecond(T0 + 100))
                .setMethod("POST")
                .setPath("/hooks/" + tenant + "/mango/events/summary")
                .setContentType("application/x-www-form-urlencoded")
                .setHeaders(Map.of())
                .setBody(ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)))
                .setSignatureVerified(true)
                .setDedupeKey(dedupeKey)
                .build();
    }
}
