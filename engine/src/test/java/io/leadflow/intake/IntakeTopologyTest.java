package io.leadflow.intake;

import io.leadflow.avro.CallEvent;
import io.leadflow.avro.CallStatus;
import io.leadflow.avro.ContactKey;
import io.leadflow.avro.DeadLetter;
import io.leadflow.avro.RawEnvelope;
import io.leadflow.avro.RawKey;
import io.leadflow.avro.Touch;
import io.leadflow.avro.Vendor;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.config.TenantConfig;
import io.leadflow.connectors.client.VendorRequests;
import io.leadflow.connectors.client.WebhookRequest;
import io.leadflow.simulate.VendorPayloads;
import io.leadflow.testing.EngineDriver;
import io.leadflow.testing.IntakeDriver;
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

/** Raw envelopes of every vendor through the engine's intake: the right canonical events, once each, to the right contact. */
class IntakeTopologyTest {
    private static final TenantConfig DEMO_TENANT = LeadflowConfig.load(null).tenant("demo").orElseThrow();
    private static final LeadflowConfig CONFIG = new LeadflowConfig(Map.of("demo", DEMO_TENANT, "acme", DEMO_TENANT));
    private static final VendorRequests DEMO = new VendorRequests("demo", DEMO_TENANT);

    @TempDir
    Path stateDir;

    private IntakeDriver intake;
    private EngineDriver engine;
    private TestOutputTopic<RawKey, DeadLetter> deadLetters;

    @BeforeEach
    void start() {
        intake = new IntakeDriver("intake-topology-test", CONFIG, stateDir);
        engine = intake.engine();
        deadLetters = engine.output(engine.topics().deadLetter());
    }

    @AfterEach
    void stop() {
        intake.close();
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
        assertThat(intake.handedOn(CallEvent.class)).singleElement().satisfies(call -> {
            assertThat(call.key).isEqualTo(new ContactKey("demo", "+79161234567"));
            assertThat(call.value.getStatus()).isEqualTo(CallStatus.MISSED);
            assertThat(call.value.getVendor()).isEqualTo(Vendor.ZADARMA);
        });
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

        assertThat(intake.handedOn(Touch.class)).singleElement().satisfies(touch -> {
            assertThat(touch.key).isEqualTo(new ContactKey("demo", "+79161234567"));
            assertThat(touch.value.getTouchId()).isEqualTo("calltouch:call:501");
            assertThat(touch.value.getSource()).isEqualTo("yandex");
        });
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void anAmoCrmStatusChangeThatNamesNoContactReachesNoLeadAndIsNoError() {
        // amoCRM's webhook names the deal only: the CRM enricher fetches it with its contact and stores that for the engine
        WebhookRequest request = DEMO.amocrm(Map.of("leads[status][0][id]", "101", "leads[status][0][status_id]", "142",
                "leads[status][0][last_modified]", "1716289407", "leads[status][0][price]", "150000"));

        pipe(Vendor.AMOCRM, "leads/status", "lead:101", "amocrm:101:142:1716289407", request);

        assertThat(intake.handedOn()).isEmpty();
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void theSameVendorIdInTwoTenantsIsTwoEvents() {
        // Given two companies whose PBXs both have call in_7
        pipe(Vendor.ZADARMA, "NOTIFY_END", "in_7", "zadarma:in_7:NOTIFY_END", DEMO.zadarma(missedCall("in_7", "79161234567")));
        pipe(Vendor.ZADARMA, "NOTIFY_END", "in_7", "zadarma:in_7:NOTIFY_END",
                new VendorRequests("acme", DEMO_TENANT).zadarma(missedCall("in_7", "79161234567")));

        // Then each tenant gets its own call
        assertThat(intake.handedOn(CallEvent.class)).extracting(kv -> kv.key.getTenant()).containsExactly("demo", "acme");
    }

    @Test
    void anEventKeyedByItsContactGoesStraightToTheLeadAndOneKeyedOtherwiseIsReKeyedOnceToItsContact() {
        var contactEvents = engine.output(engine.topics().contactEvents());
        // Given a call stored keyed by its caller, as the gateway keys it
        pipe(Vendor.ZADARMA, "NOTIFY_END", "+79161234567", "zadarma:in_8:NOTIFY_END", DEMO.zadarma(missedCall("in_8", "79161234567")));
        // Then it reaches the lead in this task, never re-keyed
        assertThat(intake.handedOn(CallEvent.class)).extracting(kv -> kv.value.getCallId()).containsExactly("in_8");
        assertThat(contactEvents.isEmpty()).isTrue();

        // Given a call stored keyed by its call id (as records written before the gateway keyed by contact are)
        WebhookRequest other = DEMO.zadarma(missedCall("in_9", "79161234567"));
        pipe(Vendor.ZADARMA, "NOTIFY_END", "in_9", "zadarma:in_9:NOTIFY_END", other);
        // Then it travels once through leadflow.contact-events, keyed by its contact, and reaches the lead from there
        assertThat(contactEvents.readKeyValuesToList()).singleElement().satisfies(kv -> {
            assertThat(kv.key).isEqualTo(new ContactKey("demo", "+79161234567"));
            assertThat(kv.value.getEvent()).isInstanceOf(CallEvent.class);
        });
        assertThat(intake.handedOn(CallEvent.class)).extracting(kv -> kv.value.getCallId()).containsExactly("in_9");

        // When the vendor delivers that call again, keyed by its caller this time
        pipe(Vendor.ZADARMA, "NOTIFY_END", "+79161234567", "zadarma:in_9:NOTIFY_END", other);
        // Then the contact's task knows it: nothing reaches the lead twice
        assertThat(intake.handedOn()).isEmpty();
        assertThat(contactEvents.isEmpty()).isTrue();
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
        assertThat(intake.handedOn(Touch.class)).extracting(kv -> kv.value.getTouchId())
                .containsExactly("calltouch:call:601", "calltouch:call:602");
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
        assertThat(intake.handedOn(CallEvent.class)).extracting(kv -> kv.value).singleElement().satisfies(call -> {
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
