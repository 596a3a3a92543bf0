package io.leadflow.intake;

import io.leadflow.avro.CallEvent;
import io.leadflow.avro.CallStatus;
import io.leadflow.avro.ContactKey;
import io.leadflow.avro.CrmKey;
import io.leadflow.avro.CrmStageChange;
import io.leadflow.avro.DeadLetter;
import io.leadflow.avro.RawEnvelope;
import io.leadflow.avro.RawKey;
import io.leadflow.avro.StageOutcome;
import io.leadflow.avro.Touch;
import io.leadflow.avro.Vendor;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.config.TenantConfig;
import io.leadflow.connectors.client.VendorRequests;
import io.leadflow.connectors.client.WebhookRequest;
import io.leadflow.simulate.VendorPayloads;
import io.leadflow.testing.EngineDriver;
import io.leadflow.testing.RawEnvelopes;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Raw envelopes of every vendor through the engine's intake: the right canonical events, once each. */
class IntakeTopologyTest {
    private static final TenantConfig DEMO_TENANT = LeadflowConfig.load(null).tenant("demo").orElseThrow();
    private static final LeadflowConfig CONFIG = new LeadflowConfig(Map.of("demo", DEMO_TENANT, "acme", DEMO_TENANT));
    private static final VendorRequests DEMO = new VendorRequests("demo", DEMO_TENANT);

    @TempDir
    Path stateDir;

    private EngineDriver engine;
    private TestOutputTopic<ContactKey, CallEvent> calls;
    private TestOutputTopic<ContactKey, Touch> touches;
    private TestOutputTopic<CrmKey, CrmStageChange> stageChanges;
    private TestOutputTopic<RawKey, DeadLetter> deadLetters;

    @BeforeEach
    void start() {
        engine = new EngineDriver("intake-topology-test", CONFIG, stateDir);
        calls = engine.output(engine.topics().calls());
        touches = engine.output(engine.topics().touches());
        stageChanges = engine.output(engine.topics().crmStageChanges());
        deadLetters = engine.output(engine.topics().deadLetter());
    }

    @AfterEach
    void stop() {
        engine.close();
    }

    private void pipe(Vendor vendor, String kind, String stream, String dedupeKey, WebhookRequest request) {
        pipeRecord(RawEnvelopes.of(vendor, kind, dedupeKey, request), stream);
    }


    private static Map<String, String> missedCall(String callId, String caller) {
        return VendorPayloads.zadarmaEnd(callId, true, caller, "100", "74951234567", Instant.parse("2024-05-21T11:03:27Z"), 30,
                false, ZoneId.of("Europe/Moscow"));
    }

    @Test
    void aMalformedZadarmaNotificationIsDeadLetteredAndTheNextOneIsProcessed() {
        // Given a notification whose caller is not a phone number, then a valid one
        pipe(Vendor.ZADARMA, "NOTIFY_END", "in_1", "zadarma:in_1:NOTIFY_END", DEMO.zadarma(missedCall("in_1", "anonymous")));
        pipe(Vendor.ZADARMA, "NOTIFY_END", "in_2", "zadarma:in_2:NOTIFY_END", DEMO.zadarma(missedCall("in_2", "79161234567")));

        // Then the first is in the dead-letter topic with the reason and the vendor's bytes
        DeadLetter letter = deadLetters.readValue();
        assertThat(letter.getReason()).contains("'anonymous' is not a phone number");
        assertThat(StandardCharsets.UTF_8.decode(letter.getValue()).toString()).contains("caller_id=anonymous");
        // And the second is a missed call of the caller
        var call = calls.readKeyValue();
        assertThat(call.key).isEqualTo(new ContactKey("demo", "+79161234567"));
        assertThat(call.value.getStatus()).isEqualTo(CallStatus.MISSED);
        assertThat(call.value.getVendor()).isEqualTo(Vendor.ZADARMA);
        assertThat(calls.isEmpty()).isTrue();
    }

    @Test
    void aTrackedCallNotifiedAtStartAndEndAndRedeliveredIsOneTouch() {
        Map<String, String> start = new LinkedHashMap<>(Map.of("id", "501", "callerphone", "79161234567",
                "phonenumber", "74951234567", "calltime", "21/05/2024 14:03:27", "source", "yandex"));
        Map<String, String> end = new LinkedHashMap<>(start);
        end.put("duration", "95");

        pipe(Vendor.CALLTOUCH, "call", "call:501", "calltouch:call:501:start", DEMO.calltouch(start, false));
        pipe(Vendor.CALLTOUCH, "call", "call:501", "calltouch:call:501:end", DEMO.calltouch(end, true));
        pipe(Vendor.CALLTOUCH, "call", "call:501", "calltouch:call:501:end", DEMO.calltouch(end, true));

        var touch = touches.readKeyValue();
        assertThat(touch.key).isEqualTo(new ContactKey("demo", "+79161234567"));
        assertThat(touch.value.getTouchId()).isEqualTo("calltouch:call:501");
        assertThat(touch.value.getSource()).isEqualTo("yandex");
        assertThat(touches.isEmpty()).isTrue();
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void amoCrmStatusChangesAreKeyedByTheDealAndAResentRequestIsDropped() {
        WebhookRequest request = DEMO.amocrm(Map.of("leads[status][0][id]", "101", "leads[status][0][status_id]", "142",
                "leads[status][0][last_modified]", "1716289407", "leads[status][0][price]", "150000"));

        pipe(Vendor.AMOCRM, "leads/status", "lead:101", "amocrm:101:142:1716289407", request);
        pipe(Vendor.AMOCRM, "leads/status", "lead:101", "amocrm:101:142:1716289407", request);

        var change = stageChanges.readKeyValue();
        assertThat(change.key).isEqualTo(new CrmKey("demo", "amocrm:deal:101"));
        assertThat(change.value.getOutcome()).isEqualTo(StageOutcome.WON);
        assertThat(stageChanges.isEmpty()).isTrue();
    }

    @Test
    void theSameVendorIdInTwoTenantsIsTwoEvents() {
        // Given two companies whose CRMs both have deal 101 moving to won
        Map<String, String> won = Map.of("leads[status][0][id]", "101", "leads[status][0][status_id]", "142",
                "leads[status][0][last_modified]", "1716289407");
        pipe(Vendor.AMOCRM, "leads/status", "lead:101", "amocrm:101:142:1716289407", DEMO.amocrm(won));
        pipe(Vendor.AMOCRM, "leads/status", "lead:101", "amocrm:101:142:1716289407", new VendorRequests("acme", DEMO_TENANT).amocrm(won));

        // Then each tenant gets its own stage change
        assertThat(stageChanges.readKeyValuesToList()).extracting(kv -> kv.key.getTenant()).containsExactly("demo", "acme");
    }

    @Test
    void aCallNotifiedByWebhookAndPulledFromTheDiaryIsOneTouchAndADiaryOnlyCallIsRecovered() {
        // Given a call whose end notification arrived, and the diary pull that finds it and a call whose webhook was lost
        Map<String, String> end = new LinkedHashMap<>(Map.of("id", "601", "callerphone", "79161234567",
                "phonenumber", "74951234567", "calltime", "21/05/2024 14:03:27", "duration", "40"));
        pipe(Vendor.CALLTOUCH, "call", "call:601", "calltouch:call:601:end", DEMO.calltouch(end, true));
        pipeRecord(RawEnvelopes.pulled(Vendor.CALLTOUCH, "demo", "diary/call", "calltouch:call:601:end",
                "{\"callId\":601,\"timestamp\":1716289407,\"callerNumber\":\"79161234567\"}"), "call:601");
        pipeRecord(RawEnvelopes.pulled(Vendor.CALLTOUCH, "demo", "diary/call", "calltouch:call:602:end",
                "{\"callId\":602,\"timestamp\":1716289999,\"callerNumber\":\"79169999999\"}"), "call:602");

        // Then there is one touch per call
        assertThat(touches.readValuesToList()).extracting(Touch::getTouchId).containsExactly("calltouch:call:601", "calltouch:call:602");
    }

    private void pipeRecord(RawEnvelope envelope, String stream) {
        engine.input(engine.topics().raw(envelope.getVendor())).pipeInput(new RawKey(envelope.getTenant(), stream), envelope,
                envelope.getReceivedAt());
    }

    @Test
    void mangoCallStatesThatArriveAfterALaterStateAreDropped() {
        // Given the states of two call legs delivered out of seq order
        Instant at = Instant.parse("2024-05-21T11:03:27Z");
        pipeMangoState("leg-1", 2, "Connected", at);
        pipeMangoState("leg-1", 1, "Appeared", at);       // older than what was seen: dropped
        pipeMangoState("leg-2", 3, "Disconnected", at);
        pipeMangoState("leg-2", 2, "Connected", at);      // stale: the call is already over
        pipeMangoState("leg-2", 1, "Appeared", at);

        // Then only the latest in-progress state of the first leg is a (ringing) call event, and no lead fact
        assertThat(calls.readValuesToList()).singleElement().satisfies(call -> {
            assertThat(call.getStatus()).isEqualTo(CallStatus.RINGING);
            assertThat(call.getEventId()).isEqualTo("mango:call:leg-1:2");
            assertThat(call.getContact()).isEqualTo("+79161234567");
        });
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    private void pipeMangoState(String callId, int seq, String state, Instant at) {
        String json = VendorPayloads.mangoCallEvent("entry-" + callId, callId, seq, state, "79161234567", "74951234567", at);
        pipe(Vendor.MANGO, "events/call", "entry-" + callId, "mango:call:" + callId + ":" + seq, DEMO.mango("call", json));
    }
}
