package io.leadflow.lead;

import io.leadflow.avro.CallDirection;
import io.leadflow.avro.CallEvent;
import io.leadflow.avro.CallStatus;
import io.leadflow.avro.CloseOutcome;
import io.leadflow.avro.ContactKey;
import io.leadflow.avro.CrmEntityType;
import io.leadflow.avro.CrmStageChange;
import io.leadflow.avro.LeadAssigned;
import io.leadflow.avro.LeadClass;
import io.leadflow.avro.LeadClosed;
import io.leadflow.avro.LeadCreated;
import io.leadflow.avro.LeadEvent;
import io.leadflow.avro.LeadState;
import io.leadflow.avro.LeadTouched;
import io.leadflow.avro.StageOutcome;
import io.leadflow.avro.Touch;
import io.leadflow.avro.TouchChannel;
import io.leadflow.avro.Vendor;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.testing.CanonicalInput;
import io.leadflow.testing.EngineDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Calls and touches through the lead sub-topology: one lead per contact, one touch per physical call, replayable. */
class LeadTopologyTest {
    private static final Instant T0 = Instant.parse("2026-11-16T07:30:00Z");
    private static final String LINE = "+74951234567";

    @TempDir
    Path stateDir;

    @Test
    void aCallReportedByTheTrackerAndThePbxIsOneTouchOfOneLeadAndAFormOfAnotherContactIsItsOwnLead() {
        // Given a call tracker's report, the PBX's report of the same call (answered on 101), a later call, a form
        // of someone else — on a Monday morning, when ivanova and duty are on shift and petrov is not
        List<LeadEvent> events = run(stateDir.resolve("a"));

        // Then: created by the tracker's report and placed by rotation; the PBX's report is a correction, and the
        // manager who answered takes the lead; the later call touches it; the form is a lead of its own
        assertThat(events).extracting(e -> e.getPayload().getClass().getSimpleName() + ":" + e.getContact()).containsExactly(
                "LeadCreated:+79161234567", "LeadAssigned:+79161234567",
                "LeadTouched:+79161234567", "LeadResponded:+79161234567", "LeadAssigned:+79161234567",
                "LeadTouched:+79161234567",
                "LeadCreated:+79169999999", "LeadAssigned:+79169999999");
        assertThat(events.get(0).getCauseId()).isEqualTo("calltouch:call:1");
        assertThat(assigned(events.get(1))).isEqualTo("duty:round-robin");
        assertThat(((LeadTouched) events.get(2).getPayload()).getCorrection()).isTrue();
        assertThat(assigned(events.get(4))).isEqualTo("ivanova:answered-by");
        assertThat(((LeadTouched) events.get(5).getPayload()).getCorrection()).isFalse();
        assertThat(((LeadCreated) events.get(6).getPayload()).getLeadClass()).isEqualTo(LeadClass.FORM);
        // duty's rotation turn was used; the owner-routed answer did not move the rotation on
        assertThat(assigned(events.get(7))).isEqualTo("ivanova:round-robin");
    }

    @Test
    void aWonCrmDealThatNamesTheContactClosesItsLead() {
        try (EngineDriver engine = new EngineDriver("lead-topology-test", LeadflowConfig.load(null), stateDir.resolve("crm"))) {
            ContactKey caller = new ContactKey("demo", "+79161234567");
            engine.calls().pipeInput(caller, call("mango:summary:A", T0), T0);
            CrmStageChange won = CrmStageChange.newBuilder().setEventId("bitrix24:deal:4711:C1:WON").setTenant("demo")
                    .setVendor(Vendor.BITRIX24).setEntityType(CrmEntityType.DEAL).setEntityId("4711").setStageId("C1:WON")
                    .setOutcome(StageOutcome.WON).setContact("+79161234567").setOccurredAt(T0.plusSeconds(86_400)).build();
            CrmStageChange anonymous = CrmStageChange.newBuilder(won).setEventId("amocrm:lead:5:142:1").setEntityId("5").setContact(null).build();
            engine.crmStageChange(anonymous, T0.plusSeconds(80_000));
            engine.crmStageChange(won, T0.plusSeconds(86_400));

            List<LeadEvent> events = engine.output(engine.topics().leadEvents()).readValuesToList();

            assertThat(events).extracting(e -> e.getPayload().getClass().getSimpleName()).containsExactly("LeadCreated", "LeadResponded", "LeadAssigned", "LeadClosed");
            assertThat(((LeadClosed) events.get(3).getPayload()).getOutcome()).isEqualTo(CloseOutcome.WON);
            assertThat(events.get(3).getCauseId()).isEqualTo("bitrix24:deal:4711:C1:WON");
        }
    }

    @Test
    void aManagersCallbackToAMissedCallerIsTheLeadsResponseAndAFailedOneIsRecorded() {
        try (EngineDriver engine = new EngineDriver("lead-topology-test", LeadflowConfig.load(null), stateDir.resolve("callback"))) {
            ContactKey caller = new ContactKey("demo", "+79161234567");
            CanonicalInput<CallEvent> calls = engine.calls();
            calls.pipeInput(caller, CallEvent.newBuilder(call("mango:summary:A", T0)).setStatus(CallStatus.MISSED).build(), T0);
            calls.pipeInput(caller, callback("mango:summary:O1", CallStatus.MISSED, 0, T0.plusSeconds(600)), T0.plusSeconds(600));
            calls.pipeInput(caller, callback("mango:summary:O2", CallStatus.ANSWERED, 120, T0.plusSeconds(1_200)), T0.plusSeconds(1_200));

            assertThat(engine.output(engine.topics().leadEvents()).readValuesToList())
                    .filteredOn(e -> !(e.getPayload() instanceof LeadAssigned))
                    .extracting(e -> e.getPayload().getClass().getSimpleName() + ":" + e.getCauseId())
                    // the first callback task of the missed call (due at +15 min) came before the connected callback
                    .containsExactly("LeadCreated:mango:summary:A", "LeadCallbackFailed:mango:summary:O1", "LeadCallbackDue:sla:callbacks#0",
                            "LeadResponded:mango:summary:O2");
            LeadState state = engine.leadState(caller);
            assertThat(state.getFailedCallbacks()).isEqualTo(1);
            assertThat(state.getRespondedAt()).isEqualTo(T0.plusSeconds(1_200));
            assertThat(state.getSlaClocks()).as("the response stopped the response clock and the callbacks").isEmpty();
        }
    }

    @Test
    void replayingTheSameInputGivesTheSameLeadEvents() {
        assertThat(run(stateDir.resolve("first"))).isEqualTo(run(stateDir.resolve("second")));
    }

    private static List<LeadEvent> run(Path stateDir) {
        try (EngineDriver engine = new EngineDriver("lead-topology-test", LeadflowConfig.load(null), stateDir)) {
            CanonicalInput<CallEvent> calls = engine.calls();
            CanonicalInput<Touch> touches = engine.touches();
            ContactKey caller = new ContactKey("demo", "+79161234567");
            touches.pipeInput(caller, touch("calltouch:call:1", TouchChannel.CALL, "+79161234567", T0), T0);
            calls.pipeInput(caller, call("mango:summary:A", T0.plusSeconds(20)), T0.plusSeconds(20));
            calls.pipeInput(caller, call("mango:summary:B", T0.plusSeconds(3_600)), T0.plusSeconds(3_600));
            ContactKey other = new ContactKey("demo", "+79169999999");
            touches.pipeInput(other, touch("calltouch:request:7", TouchChannel.FORM, "+79169999999", T0.plusSeconds(4_000)), T0.plusSeconds(4_000));
            return engine.output(engine.topics().leadEvents()).readValuesToList();
        }
    }

    private static CallEvent call(String id, Instant at) {
        return CallEvent.newBuilder().setEventId(id).setTenant("demo").setVendor(Vendor.MANGO).setCallId(id)
                .setContact("+79161234567").setLine(LINE).setDirection(CallDirection.INBOUND).setStatus(CallStatus.ANSWERED)
                .setExtension("101").setStartedAt(at).build();
    }

    private static String assigned(LeadEvent event) {
        LeadAssigned assigned = (LeadAssigned) event.getPayload();
        return assigned.getOwner() + ":" + assigned.getRule();
    }

    private static CallEvent callback(String id, CallStatus status, int talkSeconds, Instant at) {
        return CallEvent.newBuilder(call(id, at)).setDirection(CallDirection.OUTBOUND).setStatus(status).setTalkSeconds(talkSeconds).build();
    }

    private static Touch touch(String id, TouchChannel channel, String contact, Instant at) {
        return Touch.newBuilder().setTouchId(id).setTenant("demo").setVendor(Vendor.CALLTOUCH).setContact(contact)
                .setChannel(channel).setOccurredAt(at).setLine(channel == TouchChannel.CALL ? LINE : null).setSource("yandex").build();
    }
}
