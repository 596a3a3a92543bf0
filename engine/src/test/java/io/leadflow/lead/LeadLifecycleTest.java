package io.leadflow.lead;

import io.leadflow.avro.CallDirection;
import io.leadflow.avro.CallEvent;
import io.leadflow.avro.CallStatus;
import io.leadflow.avro.CloseOutcome;
import io.leadflow.avro.CrmEntityType;
import io.leadflow.avro.CrmStageChange;
import io.leadflow.avro.LeadAssigned;
import io.leadflow.avro.LeadAssignment;
import io.leadflow.avro.LeadCallbackFailed;
import io.leadflow.avro.LeadClass;
import io.leadflow.avro.LeadClosed;
import io.leadflow.avro.LeadCreated;
import io.leadflow.avro.LeadEvent;
import io.leadflow.avro.LeadResponded;
import io.leadflow.avro.LeadStageChanged;
import io.leadflow.avro.LeadState;
import io.leadflow.avro.LeadStatus;
import io.leadflow.avro.LeadTouched;
import io.leadflow.avro.ResponseEvidence;
import io.leadflow.avro.StageOutcome;
import io.leadflow.avro.Touch;
import io.leadflow.avro.TouchChannel;
import io.leadflow.avro.Vendor;
import io.leadflow.config.TenantConfig.LeadsConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class LeadLifecycleTest {
    private static final Instant T0 = Instant.parse("2026-11-20T09:15:00Z");
    private static final LeadsConfig RULES = new LeadsConfig(Duration.ofMinutes(2), Duration.ofDays(30), Duration.ofSeconds(10), "lead-id-secret");
    private static final String LINE = "+74951234567";

    @Test
    void theFirstInboundCallOpensALeadWithADeterministicId() {
        var first = decide(null, pbx("e1", CallStatus.ANSWERED, T0, LINE));
        var replayed = decide(null, pbx("e1", CallStatus.ANSWERED, T0, LINE));

        assertThat(first.events()).isEqualTo(replayed.events());
        LeadEvent created = first.events().get(0);
        assertThat(created.getEventId()).isEqualTo(first.state().getLeadId() + "#1");
        assertThat(first.state().getLeadClass()).isEqualTo(LeadClass.ANSWERED_CALL);
        assertThat(((LeadCreated) created.getPayload()).getAnsweredBy()).isEqualTo("101");
    }

    @Test
    void aLeadIdIsKeyedWithTheTenantsSecretAndNotTheUnkeyedDigestOfTenantPhoneAndOpeningEvent() {
        LeadState opened = decide(null, pbx("e1", CallStatus.MISSED, T0, LINE)).state();

        // the form lead ids had before: anyone holding the opening event's id (it travels on the marketing topic) could try
        // every phone number of a region until the digest matched
        String unkeyed = java.util.UUID.nameUUIDFromBytes(("demo\n+79161234567\ne1").getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .toString();
        assertThat(opened.getLeadId()).isNotEqualTo(unkeyed);
        // keyed: another secret gives another id for the same tenant, phone and event; the same secret, the same id
        LeadsConfig otherSecret = new LeadsConfig(RULES.correlationTolerance(), RULES.quietPeriod(), RULES.minCallbackTalk(), "another");
        assertThat(LeadLifecycle.decide(null, pbx("e1", CallStatus.MISSED, T0, LINE), otherSecret).state().getLeadId())
                .isNotEqualTo(opened.getLeadId());
        assertThat(opened.getLeadId()).isEqualTo(LeadIds.of("lead-id-secret", "demo", "+79161234567", "e1"));
        assertThat(java.util.UUID.fromString(opened.getLeadId()).version()).isEqualTo(8);
    }

    @Test
    void aContactWithAnEarlierWonLeadOpensAReturningLead() {
        LeadState first = decide(null, pbx("e1", CallStatus.ANSWERED, T0, LINE)).state();
        LeadState closedWon = LeadState.newBuilder(first).setStatus(LeadStatus.CLOSED).setOutcome(CloseOutcome.WON).setWonLeads(1).build();

        var next = decide(closedWon, pbx("e2", CallStatus.MISSED, T0.plus(Duration.ofDays(1)), LINE));

        assertThat(next.state().getLeadId()).isNotEqualTo(first.getLeadId());
        assertThat(next.state().getLeadClass()).isEqualTo(LeadClass.RETURNING);
        assertThat(((LeadCreated) next.events().get(0).getPayload()).getReturning()).isTrue();
        assertThat(next.state().getWonLeads()).isEqualTo(1);
    }

    @Test
    void anOutOfOrderOlderTouchDoesNotMoveLastTouchBack() {
        LeadState opened = decide(null, pbx("e1", CallStatus.MISSED, T0, LINE)).state();

        var touched = decide(opened, pbx("e0", CallStatus.MISSED, T0.minusSeconds(600), LINE));

        assertThat(touched.state().getLastTouchAt()).isEqualTo(T0);
        assertThat(touched.state().getTouches()).isEqualTo(2);
    }

    @Test
    void ringingAndOutboundCallsAreNotLeadInputs() {
        assertThat(LeadInput.of(pbxEvent("e1", CallStatus.RINGING, T0, LINE))).isEmpty();
        assertThat(LeadInput.of(CallEvent.newBuilder(pbxEvent("e2", CallStatus.ANSWERED, T0, LINE))
                .setDirection(CallDirection.OUTBOUND).build())).isEmpty();
    }

    @Test
    void aFormRequestOpensAFormLead() {
        var decision = decide(null, LeadInput.of(touch("calltouch:request:77", TouchChannel.FORM, T0, null, null)));

        assertThat(decision.state().getLeadClass()).isEqualTo(LeadClass.FORM);
        assertThat(decision.state().getRecentCalls()).isEmpty();
    }

    @Test
    void thePbxReportAndTheTrackerReportOfOneCallAreOneTouchWhicheverComesFirst() {
        // PBX first, tracker 40 s later
        LeadState pbxFirst = decide(null, pbx("mango:summary:1", CallStatus.MISSED, T0, LINE)).state();
        var trackerLater = decide(pbxFirst, tracked("calltouch:call:9", T0.plusSeconds(40), LINE, false));
        assertCorrection(trackerLater, 1);

        // tracker first (status not known yet), PBX 30 s later
        LeadState trackerFirst = decide(null, tracked("calltouch:call:9", T0, LINE, null)).state();
        assertThat(trackerFirst.getLeadClass()).isEqualTo(LeadClass.UNKNOWN);
        var pbxLater = decide(trackerFirst, pbx("mango:summary:1", CallStatus.ANSWERED, T0.plusSeconds(30), LINE));
        assertCorrection(pbxLater, 1);
        assertThat(pbxLater.state().getLeadClass()).as("the PBX tells what the tracker could not").isEqualTo(LeadClass.ANSWERED_CALL);
    }

    @Test
    void callsOnAnotherLineOrOutsideTheToleranceOrAlreadyPairedAreTouchesOfTheirOwn() {
        LeadState opened = decide(null, pbx("p1", CallStatus.MISSED, T0, LINE)).state();

        var otherLine = decide(opened, tracked("t1", T0.plusSeconds(10), "+74950000000", true));
        assertThat(payload(otherLine).getCorrection()).isFalse();

        var tooLate = decide(opened, tracked("t2", T0.plus(Duration.ofMinutes(5)), LINE, true));
        assertThat(payload(tooLate).getCorrection()).isFalse();

        LeadState paired = decide(opened, tracked("t3", T0.plusSeconds(20), LINE, false)).state();
        var thirdReport = decide(paired, tracked("t4", T0.plusSeconds(25), LINE, false));
        assertThat(payload(thirdReport).getCorrection()).isFalse();
        assertThat(thirdReport.state().getTouches()).isEqualTo(2);
    }

    @Test
    void aTouchAfterTheQuietPeriodClosesTheLeadAndOpensANewOne() {
        LeadState opened = decide(null, pbx("e1", CallStatus.ANSWERED, T0, LINE)).state();
        Instant later = T0.plus(Duration.ofDays(31));

        var decision = decide(opened, pbx("e2", CallStatus.MISSED, later, LINE));

        assertThat(decision.events()).hasSize(2);
        LeadEvent closed = decision.events().get(0);
        assertThat(closed.getLeadId()).isEqualTo(opened.getLeadId());
        assertThat(((LeadClosed) closed.getPayload()).getOutcome()).isEqualTo(CloseOutcome.QUIET);
        assertThat(closed.getOccurredAt()).isEqualTo(T0.plus(Duration.ofDays(30)));
        assertThat(decision.events().get(1).getPayload()).isInstanceOf(LeadCreated.class);
        assertThat(decision.state().getLeadId()).isNotEqualTo(opened.getLeadId());
        assertThat(decision.state().getStatus()).isEqualTo(LeadStatus.OPEN);

        // within the quiet period the lead stays open
        assertThat(decide(opened, pbx("e3", CallStatus.MISSED, T0.plus(Duration.ofDays(29)), LINE)).events())
                .singleElement().extracting(LeadEvent::getPayload).isInstanceOf(LeadTouched.class);
    }

    @Test
    void recentCallsAreBounded() {
        LeadState state = decide(null, pbx("e0", CallStatus.MISSED, T0, LINE)).state();
        for (int i = 1; i <= 30; i++) {
            state = decide(state, pbx("e" + i, CallStatus.MISSED, T0.plusSeconds(i * 600L), LINE)).state();
        }
        assertThat(state.getRecentCalls()).hasSize(LeadLifecycle.RECENT_CALLS);
        assertThat(state.getRecentCalls().get(LeadLifecycle.RECENT_CALLS - 1).getTouchId()).isEqualTo("e30");
    }

    @Test
    void thePbxReportOfTheOpeningCallArrivingAfterTheLeadClosedCorrectsThatLeadInsteadOfOpeningAnother() {
        // Given the tracker's report opened the lead and the CRM won the deal before the PBX reported the call
        LeadState opened = decide(null, tracked("calltouch:call:9", T0, LINE, null)).state();
        LeadState won = LeadLifecycle.decide(opened, stage("bitrix24:deal:1:WON", "WON", StageOutcome.WON, T0.plusSeconds(600))).state();

        // When the PBX's report of that call arrives
        var late = decide(won, pbx("zadarma:in_1:NOTIFY_END", CallStatus.ANSWERED, T0.plusSeconds(20), LINE));

        // Then it corrects the closed lead: no second lead for one call, no response recorded on a closed lead
        assertThat(late.events()).hasSize(1);
        assertThat(late.events().get(0).getLeadId()).isEqualTo(opened.getLeadId());
        assertThat(payload(late).getCorrection()).isTrue();
        assertThat(late.state().getStatus()).isEqualTo(LeadStatus.CLOSED);
        // and a genuinely new call of the contact still opens their next lead
        var next = decide(late.state(), pbx("zadarma:in_2:NOTIFY_END", CallStatus.MISSED, T0.plus(Duration.ofHours(2)), LINE));
        assertThat(next.events().get(0).getPayload()).isInstanceOf(io.leadflow.avro.LeadCreated.class);
        assertThat(next.state().getLeadId()).isNotEqualTo(opened.getLeadId());
    }

    @Test
    void aWonDealClosesTheLeadWithItsAmountAndTheContactsNextLeadIsReturning() {
        LeadState opened = decide(null, pbx("e1", CallStatus.ANSWERED, T0, LINE)).state();

        var won = LeadLifecycle.decide(opened, stage("bitrix24:deal:1:C1:WON", "C1:WON", StageOutcome.WON, T0.plus(Duration.ofDays(3))));

        LeadClosed closed = (LeadClosed) won.events().get(0).getPayload();
        assertThat(closed.getOutcome()).isEqualTo(CloseOutcome.WON);
        assertThat(closed.getAmount()).isEqualTo(150_000.0);
        assertThat(won.state().getStatus()).isEqualTo(LeadStatus.CLOSED);
        assertThat(won.state().getWonLeads()).isEqualTo(1);
        var next = decide(won.state(), pbx("e2", CallStatus.MISSED, T0.plus(Duration.ofDays(40)), LINE));
        assertThat(next.state().getLeadClass()).isEqualTo(LeadClass.RETURNING);
    }

    @Test
    void aLinkedDealOfAnotherDepartmentIsRecordedOnTheLeadEvenAfterItClosedButNeitherClosesNorAnswersIt() {
        LeadState opened = decide(null, pbx("e1", CallStatus.MISSED, T0, LINE)).state();

        // a logistics deal of the same contact (pipeline 9, child funnel "logistics") moves and is won while the lead is open
        var requested = LeadLifecycle.decideChild(opened, child("c1", "C9:NEW", StageOutcome.OPEN, T0.plusSeconds(600)), "logistics");
        var again = LeadLifecycle.decideChild(requested.state(), child("c1b", "C9:NEW", StageOutcome.OPEN, T0.plusSeconds(700)), "logistics");
        var delivered = LeadLifecycle.decideChild(again.state(), child("c2", "C9:WON", StageOutcome.WON, T0.plusSeconds(900)), "logistics");

        assertThat(requested.events()).singleElement().extracting(LeadEvent::getPayload).isInstanceOfSatisfying(LeadStageChanged.class, p -> {
            assertThat(p.getChildFunnel()).isEqualTo("logistics");
            assertThat(p.getPipeline()).isEqualTo("9");
            assertThat(p.getFromStage()).isNull();
        });
        assertThat(again.events()).isEmpty();
        assertThat(delivered.events()).singleElement().extracting(LeadEvent::getPayload).isInstanceOfSatisfying(LeadStageChanged.class, p -> {
            assertThat(p.getFromStage()).isEqualTo("C9:NEW");
            assertThat(p.getChildOutcome()).isEqualTo("WON");
        });
        assertThat(delivered.state().getStatus()).isEqualTo(LeadStatus.OPEN);
        assertThat(delivered.state().getRespondedAt()).isNull();
        assertThat(delivered.state().getStage()).isNull();
        // and after the lead's own deal is won, its linked deal still reports to it
        LeadState won = LeadLifecycle.decide(delivered.state(), stage("w", "C1:WON", StageOutcome.WON, T0.plusSeconds(1_000))).state();
        assertThat(LeadLifecycle.decideChild(won, child("c3", "C9:PREPARATION", StageOutcome.OPEN, T0.plusSeconds(1_100)), "logistics")
                .events()).hasSize(1);
    }

    @Test
    void aStageMoveIsRecordedOnceAndALostDealClosesTheLead() {
        LeadState opened = decide(null, pbx("e1", CallStatus.ANSWERED, T0, LINE)).state();

        var moved = LeadLifecycle.decide(opened, stage("s1", "C1:PREPARATION", StageOutcome.OPEN, T0.plusSeconds(600)));
        var again = LeadLifecycle.decide(moved.state(), stage("s1b", "C1:PREPARATION", StageOutcome.OPEN, T0.plusSeconds(700)));
        var lost = LeadLifecycle.decide(again.state(), stage("s2", "C1:LOSE", StageOutcome.LOST, T0.plusSeconds(900)));

        assertThat(moved.events()).singleElement().extracting(LeadEvent::getPayload).isInstanceOfSatisfying(LeadStageChanged.class,
                p -> assertThat(p.getToStage()).isEqualTo("C1:PREPARATION"));
        assertThat(again.events()).isEmpty();
        assertThat(((LeadClosed) lost.events().get(0).getPayload()).getOutcome()).isEqualTo(CloseOutcome.LOST);
        assertThat(lost.state().getWonLeads()).isZero();
    }

    @Test
    void aDealOfAContactWithoutALeadChangesNothing() {
        assertThat(LeadLifecycle.decide(null, stage("s", "C1:WON", StageOutcome.WON, T0)).events()).isEmpty();
    }

    @Test
    void aMissedCallOpensAnUnansweredLeadAndAnAnsweredOneIsItsOwnFirstResponse() {
        var missed = decide(null, pbx("e1", CallStatus.MISSED, T0, LINE));
        assertThat(missed.events()).extracting(e -> e.getPayload().getClass().getSimpleName()).containsExactly("LeadCreated");
        assertThat(missed.state().getRespondedAt()).isNull();

        var answered = decide(null, pbx("e1", CallStatus.ANSWERED, T0, LINE));
        LeadResponded response = (LeadResponded) answered.events().get(1).getPayload();
        assertThat(response.getEvidence()).isEqualTo(ResponseEvidence.INBOUND_ANSWERED);
        assertThat(response.getBy()).isEqualTo("101");
        assertThat(response.getResponseMillis()).isZero();
        assertThat(answered.state().getRespondedAt()).isEqualTo(T0);
    }

    @Test
    void theContactCallingAgainAndBeingAnsweredIsTheResponseToTheirMissedCall() {
        LeadState missed = decide(null, pbx("e1", CallStatus.MISSED, T0, LINE)).state();

        var answered = decide(missed, pbx("e2", CallStatus.ANSWERED, T0.plusSeconds(5_400), LINE));
        var answeredAgain = decide(answered.state(), pbx("e3", CallStatus.ANSWERED, T0.plusSeconds(9_000), LINE));

        assertThat(answered.events()).extracting(e -> e.getPayload().getClass().getSimpleName())
                .containsExactly("LeadTouched", "LeadResponded");
        assertThat(((LeadResponded) answered.events().get(1).getPayload()).getResponseMillis()).isEqualTo(5_400_000L);
        assertThat(answeredAgain.events()).extracting(e -> e.getPayload().getClass().getSimpleName())
                .containsExactly("LeadTouched"); // only the first response counts
    }

    @Test
    void aCallbackThatConnectedLongEnoughIsTheResponseAndShorterOrUnansweredOnesAreFailedCallbacks() {
        LeadState missed = decide(null, pbx("e1", CallStatus.MISSED, T0, LINE)).state();

        var noAnswer = LeadLifecycle.decideOutbound(missed, callback("o1", CallStatus.MISSED, 0, T0.plusSeconds(900)), RULES);
        var tooShort = LeadLifecycle.decideOutbound(noAnswer.state(), callback("o2", CallStatus.ANSWERED, 4, T0.plusSeconds(3_600)), RULES);
        var connected = LeadLifecycle.decideOutbound(tooShort.state(), callback("o3", CallStatus.ANSWERED, 95, T0.plusSeconds(7_200)), RULES);

        assertThat(noAnswer.events()).singleElement().extracting(LeadEvent::getPayload)
                .isInstanceOfSatisfying(LeadCallbackFailed.class, f -> assertThat(f.getBy()).isEqualTo("102"));
        assertThat(tooShort.events()).singleElement().extracting(LeadEvent::getPayload)
                .isInstanceOfSatisfying(LeadCallbackFailed.class, f -> assertThat(f.getTalkSeconds()).isEqualTo(4));
        assertThat(connected.events()).singleElement().extracting(LeadEvent::getPayload).isInstanceOfSatisfying(LeadResponded.class, r -> {
            assertThat(r.getEvidence()).isEqualTo(ResponseEvidence.OUTBOUND_CONNECTED);
            assertThat(r.getBy()).isEqualTo("102");
            assertThat(r.getCallId()).isEqualTo("o3");
            assertThat(r.getResponseMillis()).isEqualTo(7_200_000L);
        });
        assertThat(connected.state().getFailedCallbacks()).isEqualTo(2);
        assertThat(connected.events().get(0).getSequence()).isEqualTo(4);
    }

    @Test
    void aCallToAContactWithoutAnOpenLeadIsNoLeadFact() {
        assertThat(LeadLifecycle.decideOutbound(null, callback("o1", CallStatus.ANSWERED, 60, T0), RULES).events()).isEmpty();
    }

    @Test
    void aCrmMoveOutOfTheFirstStageIsAResponseButEnteringTheFirstStageIsNot() {
        LeadState missed = decide(null, pbx("e1", CallStatus.MISSED, T0, LINE)).state();

        var entered = LeadLifecycle.decide(missed, stage("s1", "C1:NEW", StageOutcome.OPEN, T0.plusSeconds(60)));
        var movedOn = LeadLifecycle.decide(entered.state(), stage("s2", "C1:PREPARATION", StageOutcome.OPEN, T0.plusSeconds(1_800)));

        assertThat(entered.events()).extracting(e -> e.getPayload().getClass().getSimpleName()).containsExactly("LeadStageChanged");
        assertThat(movedOn.events()).extracting(e -> e.getPayload().getClass().getSimpleName())
                .containsExactly("LeadStageChanged", "LeadResponded");
        LeadResponded response = (LeadResponded) movedOn.events().get(1).getPayload();
        assertThat(response.getEvidence()).isEqualTo(ResponseEvidence.CRM_STAGE_MOVED);
        assertThat(response.getResponseMillis()).isEqualTo(1_800_000L);
    }

    @Test
    void anAssignmentIsRecordedOnceAndOneNamingTheOwnerTheLeadHasChangesNothing() {
        LeadState opened = decide(null, pbx("e1", CallStatus.MISSED, T0, LINE)).state();
        LeadAssignment toAnna = LeadAssignment.newBuilder().setCommandId("L/e1/route").setTenant("demo").setContact("+79161234567")
                .setLeadId(opened.getLeadId()).setTeam("sales").setOwner("anna").setRule("round-robin").setReason("r").setAt(T0).build();

        var assigned = LeadLifecycle.decide(opened, toAnna);
        var again = LeadLifecycle.decide(assigned.state(), LeadAssignment.newBuilder(toAnna).setRule("answered-by").build());
        var otherLead = LeadLifecycle.decide(assigned.state(), LeadAssignment.newBuilder(toAnna).setLeadId("earlier").setOwner("boris").build());

        assertThat(assigned.events()).singleElement().extracting(LeadEvent::getPayload)
                .isInstanceOfSatisfying(LeadAssigned.class, a -> assertThat(a.getOwner()).isEqualTo("anna"));
        assertThat(assigned.state().getOwner()).isEqualTo("anna");
        assertThat(again.events()).isEmpty();
        assertThat(otherLead.events()).isEmpty();
        assertThat(otherLead.state().getOwner()).isEqualTo("anna");
    }

    private static CrmStageChange stage(String id, String stage, StageOutcome outcome, Instant at) {
        return CrmStageChange.newBuilder().setEventId(id).setTenant("demo").setVendor(Vendor.BITRIX24)
                .setEntityType(CrmEntityType.DEAL).setEntityId("1").setStageId(stage).setOutcome(outcome)
                .setAmount(new java.math.BigDecimal("150000.00")).setContact("+79161234567").setOccurredAt(at).build();
    }

    private static CrmStageChange child(String id, String stage, StageOutcome outcome, Instant at) {
        return CrmStageChange.newBuilder(stage(id, stage, outcome, at)).setEntityId("2").setPipelineId("9").build();
    }

    private static void assertCorrection(LeadLifecycle.Decision decision, int touches) {
        assertThat(payload(decision).getCorrection()).isTrue();
        assertThat(decision.state().getTouches()).isEqualTo(touches);
    }

    private static LeadTouched payload(LeadLifecycle.Decision decision) {
        return (LeadTouched) decision.events().get(0).getPayload();
    }

    private static LeadLifecycle.Decision decide(LeadState state, LeadInput input) {
        return LeadLifecycle.decide(state, input, RULES);
    }

    private static LeadInput pbx(String id, CallStatus status, Instant at, String line) {
        return LeadInput.of(pbxEvent(id, status, at, line)).orElseThrow();
    }

    private static CallEvent pbxEvent(String id, CallStatus status, Instant at, String line) {
        return CallEvent.newBuilder()
                .setEventId(id).setTenant("demo").setVendor(Vendor.MANGO).setCallId(id)
                .setContact("+79161234567").setLine(line)
                .setDirection(CallDirection.INBOUND).setStatus(status).setExtension("101")
                .setStartedAt(at).build();
    }

    private static LeadInput tracked(String id, Instant at, String line, Boolean answered) {
        return LeadInput.of(touch(id, TouchChannel.CALL, at, line, answered));
    }

    private static Touch touch(String id, TouchChannel channel, Instant at, String line, Boolean answered) {
        return Touch.newBuilder().setTouchId(id).setTenant("demo").setVendor(Vendor.CALLTOUCH).setContact("+79161234567")
                .setChannel(channel).setOccurredAt(at).setLine(line).setAnswered(answered).setSource("yandex").build();
    }


    private static CallEvent callback(String id, CallStatus status, int talkSeconds, Instant at) {
        return CallEvent.newBuilder(pbxEvent(id, status, at, LINE)).setDirection(CallDirection.OUTBOUND).setExtension("102")
                .setTalkSeconds(talkSeconds).build();
    }
}
