package io.leadflow.lead;

import io.leadflow.avro.CallEvent;
import io.leadflow.avro.CallStatus;
import io.leadflow.avro.CloseOutcome;
import io.leadflow.avro.CrmStageChange;
import io.leadflow.avro.LeadAssigned;
import io.leadflow.avro.LeadAssignment;
import io.leadflow.avro.LeadCallbackFailed;
import io.leadflow.avro.LeadClass;
import io.leadflow.avro.LeadClosed;
import io.leadflow.avro.LeadCreated;
import io.leadflow.avro.LeadEvent;
import io.leadflow.avro.LeadResponded;
import io.leadflow.avro.LeadState;
import io.leadflow.avro.LeadStageChanged;
import io.leadflow.avro.LeadStatus;
import io.leadflow.avro.LeadTouched;
import io.leadflow.avro.RecentCall;
import io.leadflow.avro.ResponseEvidence;
import io.leadflow.avro.StageOutcome;
import io.leadflow.avro.TouchChannel;
import io.leadflow.config.TenantConfig.LeadsConfig;
import io.leadflow.sla.SlaClocks;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The lead of one contact as a pure function of its state and the next input: the first touch of a contact
 * with no open lead opens one; later touches attach to it; a touch after the quiet period closes the old
 * lead and opens a new one. One physical call reported by both the PBX and the call tracker (same caller,
 * same line, within the correlation tolerance) is one touch: whichever report comes first counts, the other
 * is recorded as a correction that enriches it. A CRM deal of the contact moving to another stage is
 * recorded on the open lead; won or lost closes it (a won lead makes the contact's next lead a returning
 * one). The first response — an inbound call a manager answered, a manager's callback that connected, a
 * CRM move out of the first stage — is recorded once; callbacks that did not connect are recorded as failed.
 * Owners come from the team routers ({@code io.leadflow.routing}) and are recorded as assignments.
 * Deterministic, so a replay of the same input yields the same events.
 */
public final class LeadLifecycle {
    /** How many of a contact's calls are remembered for correlation, and for how long. */
    static final int RECENT_CALLS = 20;
    static final Duration RECENT_CALLS_KEPT = Duration.ofDays(1);

    private LeadLifecycle() {
    }

    /** The events an input causes (none, one, or a close followed by an open) and the state after them. */
    public record Decision(List<LeadEvent> events, LeadState state) {
    }

    public static Decision decide(LeadState current, LeadInput input, LeadsConfig rules) {
        List<LeadEvent> events = new ArrayList<>();
        LeadState state = current;
        if (isOpen(state) && input.at().isAfter(state.getLastTouchAt().plus(rules.quietPeriod()))) {
            state = close(state, input, state.getLastTouchAt().plus(rules.quietPeriod()), events);
        }
        // the other reporter's record of a call already on the lead corrects that lead, even one that has closed since
        // (the CRM won the deal before the PBX's report of the opening call arrived): never a second lead for one call
        Optional<RecentCall> sameCall = state != null && input.isCall()
                ? sameCall(state, input, rules.correlationTolerance()) : Optional.empty();
        if (sameCall.isPresent()) {
            state = correct(state, input, sameCall.get(), events);
        } else if (!isOpen(state)) {
            state = open(state, input, rules, events);
        } else {
            state = touch(state, input, events);
        }
        if (input.answeredBy() != null && isOpen(state)) { // the PBX says a manager talked to the contact
            state = responded(state, ResponseEvidence.INBOUND_ANSWERED, input.answeredBy(), input.callId(), input.id(), input.at(), events);
        }
        return new Decision(events, remember(state, input, sameCall.isPresent()));
    }

    /**
     * A manager's call to the contact: a response when they talked at least {@code minCallbackTalk}, otherwise a
     * failed callback on the lead. Calls to contacts without an open lead are not lead facts.
     */
    public static Decision decideOutbound(LeadState current, CallEvent call, LeadsConfig rules) {
        if (!isOpen(current)) {
            return new Decision(List.of(), current);
        }
        List<LeadEvent> events = new ArrayList<>();
        boolean connected = call.getStatus() == CallStatus.ANSWERED && call.getTalkSeconds() >= rules.minCallbackTalk().toSeconds();
        if (connected) {
            LeadState state = responded(current, ResponseEvidence.OUTBOUND_CONNECTED, call.getExtension(), call.getCallId(),
                    call.getEventId(), call.getStartedAt(), events);
            return new Decision(events, state);
        }
        long sequence = current.getSequence() + 1;
        events.add(envelope(current.getLeadId(), current, call.getEventId(), call.getStartedAt(), sequence,
                LeadCallbackFailed.newBuilder().setCallId(call.getCallId()).setBy(call.getExtension())
                        .setTalkSeconds(call.getTalkSeconds()).build()));
        return new Decision(events, LeadState.newBuilder(current).setSequence(sequence)
                .setFailedCallbacks(current.getFailedCallbacks() + 1).build());
    }

    /**
     * A team router's decision for the lead: recorded as the lead's owner (or its queue). A decision about a lead that
     * has closed since, about an earlier lead of the contact, or naming the owner it already has changes nothing (the
     * caller releases the slot it took).
     */
    public static Decision decide(LeadState current, LeadAssignment assignment) {
        boolean sameOwner = isOpen(current) && assignment.getOwner() != null && assignment.getOwner().equals(current.getOwner())
                && assignment.getTeam().equals(current.getTeam());
        if (!isOpen(current) || !current.getLeadId().equals(assignment.getLeadId()) || sameOwner) {
            return new Decision(List.of(), current);
        }
        long sequence = current.getSequence() + 1;
        LeadEvent assigned = envelope(current.getLeadId(), current, assignment.getCommandId(), assignment.getAt(), sequence,
                LeadAssigned.newBuilder().setOwner(assignment.getOwner()).setTeam(assignment.getTeam()).setQueue(assignment.getQueue())
                        .setRule(assignment.getRule()).setReason(assignment.getReason()).setCrmUsers(assignment.getCrmUsers()).build());
        return new Decision(List.of(assigned), LeadState.newBuilder(current).setSequence(sequence)
                .setOwner(assignment.getOwner()).setTeam(assignment.getTeam()).build());
    }

    /** Events the lead's SLA clocks decided ({@code io.leadflow.sla}), numbered on from the lead's last. */
    public static Decision record(LeadState lead, List<SlaClocks.Due> due) {
        List<LeadEvent> events = new ArrayList<>();
        long sequence = lead.getSequence();
        for (SlaClocks.Due event : due) {
            events.add(envelope(lead.getLeadId(), lead, event.causeId(), event.at(), ++sequence, event.payload()));
        }
        return new Decision(events, LeadState.newBuilder(lead).setSequence(sequence).build());
    }

    /** The lead's first response (later ones change nothing): what stops its SLA clock. */
    private static LeadState responded(LeadState state, ResponseEvidence evidence, String by, String callId, String causeId,
                                       Instant at, List<LeadEvent> events) {
        if (state.getRespondedAt() != null) {
            return state;
        }
        long sequence = state.getSequence() + 1;
        long millis = Math.max(0, Duration.between(state.getOpenedAt(), at).toMillis());
        events.add(envelope(state.getLeadId(), state, causeId, at, sequence, LeadResponded.newBuilder()
                .setEvidence(evidence).setBy(by).setCallId(callId).setResponseMillis(millis).build()));
        return LeadState.newBuilder(state).setSequence(sequence).setRespondedAt(at).build();
    }

    /** A CRM stage change of the contact's deal: recorded on the open lead, closing it when won or lost. */
    public static Decision decide(LeadState current, CrmStageChange change) {
        if (current == null) {
            return new Decision(List.of(), null); // a deal the CRM had before any call: nothing to attach it to yet
        }
        boolean won = change.getOutcome() == StageOutcome.WON;
        boolean lost = change.getOutcome() == StageOutcome.LOST;
        if (!isOpen(current)) {
            // a late win of a lead closed for quiet still makes the contact a returning customer
            return new Decision(List.of(), won && current.getOutcome() != CloseOutcome.WON
                    ? LeadState.newBuilder(current).setWonLeads(current.getWonLeads() + 1).setOutcome(CloseOutcome.WON).build()
                    : current);
        }
        long sequence = current.getSequence() + 1;
        if (won || lost) {
            CloseOutcome outcome = won ? CloseOutcome.WON : CloseOutcome.LOST;
            LeadEvent closed = envelope(current.getLeadId(), current, change.getEventId(), change.getOccurredAt(), sequence,
                    LeadClosed.newBuilder()
                            .setOutcome(outcome)
                            .setAmount(change.getAmount() == null ? null : change.getAmount().doubleValue())
                            .setCrmStageId(change.getStageId())
                            .setProduct(change.getProduct())
                            .build());
            return new Decision(List.of(closed), LeadState.newBuilder(current)
                    .setSequence(sequence)
                    .setStatus(LeadStatus.CLOSED)
                    .setOutcome(outcome)
                    .setClosedAt(change.getOccurredAt())
                    .setStage(change.getStageId())
                    .setWonLeads(current.getWonLeads() + (won ? 1 : 0))
                    .build());
        }
        if (change.getStageId().equals(current.getStage())) {
            return new Decision(List.of(), current);
        }
        List<LeadEvent> events = new ArrayList<>();
        events.add(envelope(current.getLeadId(), current, change.getEventId(), change.getOccurredAt(), sequence,
                LeadStageChanged.newBuilder()
                        .setFromStage(current.getStage())
                        .setToStage(change.getStageId())
                        .setCrmStageId(change.getStageId())
                        .setPipeline(change.getPipelineId())
                        .setProduct(change.getProduct())
                        .build()));
        LeadState state = LeadState.newBuilder(current).setSequence(sequence).setStage(change.getStageId()).build();
        if (current.getStage() != null) { // moved out of the first stage the lead was seen in: someone worked on it
            state = responded(state, ResponseEvidence.CRM_STAGE_MOVED, change.getResponsibleUserId(), null, change.getEventId(),
                    change.getOccurredAt(), events);
        }
        return new Decision(events, state);
    }

    /**
     * A stage change of another department's deal linked to the contact's lead (its pipeline is child funnel
     * {@code childFunnel}'s, e.g. a logistics estimate): recorded on the contact's latest lead — open or closed, since
     * such work often follows the win — which it neither moves, closes nor counts as a response.
     */
    public static Decision decideChild(LeadState current, CrmStageChange change, String childFunnel) {
        String pipeline = change.getPipelineId();
        String was = current == null ? null : current.getChildStages().get(pipeline);
        if (current == null || change.getStageId().equals(was)) {
            return new Decision(List.of(), current);
        }
        long sequence = current.getSequence() + 1;
        LeadEvent event = envelope(current.getLeadId(), current, change.getEventId(), change.getOccurredAt(), sequence,
                LeadStageChanged.newBuilder()
                        .setFromStage(was)
                        .setToStage(change.getStageId())
                        .setCrmStageId(change.getStageId())
                        .setPipeline(pipeline)
                        .setProduct(change.getProduct())
                        .setChildFunnel(childFunnel)
                        .setChildOutcome(change.getOutcome() == StageOutcome.WON || change.getOutcome() == StageOutcome.LOST
                                ? change.getOutcome().name() : null)
                        .build());
        java.util.Map<String, String> childStages = new java.util.HashMap<>(current.getChildStages());
        childStages.put(pipeline, change.getStageId());
        return new Decision(List.of(event), LeadState.newBuilder(current).setSequence(sequence).setChildStages(childStages).build());
    }

    private static boolean isOpen(LeadState state) {
        return state != null && state.getStatus() == LeadStatus.OPEN;
    }

    /** The other reporter's record of this call: same line (where both know it), close in time, not yet paired. */
    private static Optional<RecentCall> sameCall(LeadState state, LeadInput input, Duration tolerance) {
        return state.getRecentCalls().stream()
                .filter(c -> c.getTracker() != input.tracker() && !c.getMatched())
                .filter(c -> c.getLine() == null || input.line() == null || c.getLine().equals(input.line()))
                .filter(c -> Duration.between(c.getAt(), input.at()).abs().compareTo(tolerance) <= 0)
                .min(Comparator.comparing(c -> Duration.between(c.getAt(), input.at()).abs()));
    }

    private static LeadState open(LeadState previous, LeadInput input, LeadsConfig rules, List<LeadEvent> events) {
        boolean returning = previous != null && previous.getWonLeads() > 0;
        LeadClass leadClass = returning ? LeadClass.RETURNING
                : input.channel() == TouchChannel.FORM ? LeadClass.FORM
                : input.missed() == null ? LeadClass.UNKNOWN
                : input.missed() ? LeadClass.MISSED_CALL : LeadClass.ANSWERED_CALL;
        String leadId = LeadIds.of(rules.idSecret(), input.tenant(), input.contact(), input.id());
        events.add(envelope(leadId, input, 1, LeadCreated.newBuilder()
                .setLeadClass(leadClass)
                .setChannel(input.channel())
                .setVendor(input.vendor())
                .setCallId(input.callId())
                .setLine(input.line())
                .setAnsweredBy(input.answeredBy())
                .setReturning(returning)
                .setTalkSeconds(input.talkSeconds())
                .setMarketing(input.marketing())
                .build()));
        return LeadState.newBuilder()
                .setLeadId(leadId)
                .setTenant(input.tenant())
                .setContact(input.contact())
                .setStatus(LeadStatus.OPEN)
                .setLeadClass(leadClass)
                .setSequence(1)
                .setOpenedAt(input.at())
                .setLastTouchAt(input.at())
                .setTouches(1)
                .setFirstCallId(input.callId())
                .setLine(input.line())
                .setReturning(returning)
                .setWonLeads(previous == null ? 0 : previous.getWonLeads())
                .setPreviousOwner(previous == null ? null : previous.getOwner() != null ? previous.getOwner() : previous.getPreviousOwner())
                .setRecentCalls(List.of())
                .build();
    }

    private static LeadState touch(LeadState current, LeadInput input, List<LeadEvent> events) {
        long sequence = current.getSequence() + 1;
        events.add(envelope(current.getLeadId(), input, sequence, touched(input, false)));
        return LeadState.newBuilder(current)
                .setSequence(sequence)
                .setTouches(current.getTouches() + 1)
                .setLastTouchAt(latest(current.getLastTouchAt(), input.at()))
                .build();
    }

    /** The second report of a call already counted: recorded, not counted. */
    private static LeadState correct(LeadState current, LeadInput input, RecentCall first, List<LeadEvent> events) {
        long sequence = current.getSequence() + 1;
        events.add(envelope(current.getLeadId(), input, sequence,
                LeadTouched.newBuilder(touched(input, true)).setCorrects(first.getTouchId()).build()));
        List<RecentCall> calls = new ArrayList<>();
        for (RecentCall call : current.getRecentCalls()) {
            calls.add(call.getTouchId().equals(first.getTouchId()) ? RecentCall.newBuilder(call).setMatched(true).build() : call);
        }
        LeadState.Builder corrected = LeadState.newBuilder(current).setSequence(sequence).setRecentCalls(calls);
        if (current.getLeadClass() == LeadClass.UNKNOWN && input.missed() != null) {
            // the tracker opened it before anyone knew whether the call was answered: the PBX says (the SLA policy
            // chosen when it opened stays)
            corrected.setLeadClass(input.missed() ? LeadClass.MISSED_CALL : LeadClass.ANSWERED_CALL);
        }
        return corrected.build();
    }

    /** Closed when its quiet period ran out (event time, so a replay closes it at the same instant). */
    private static LeadState close(LeadState current, LeadInput cause, Instant closedAt, List<LeadEvent> events) {
        long sequence = current.getSequence() + 1;
        events.add(LeadEvent.newBuilder(envelope(current.getLeadId(), cause, sequence,
                        LeadClosed.newBuilder().setOutcome(CloseOutcome.QUIET).build()))
                .setOccurredAt(closedAt)
                .build());
        return LeadState.newBuilder(current)
                .setSequence(sequence)
                .setStatus(LeadStatus.CLOSED)
                .setOutcome(CloseOutcome.QUIET)
                .setClosedAt(closedAt)
                .build();
    }

    private static LeadTouched touched(LeadInput input, boolean correction) {
        return LeadTouched.newBuilder()
                .setTouchId(input.id())
                .setChannel(input.channel())
                .setVendor(input.vendor())
                .setCallId(input.callId())
                .setLine(input.line())
                .setMissed(Boolean.TRUE.equals(input.missed()))
                .setCorrection(correction)
                .setAnsweredBy(input.answeredBy())
                .setTalkSeconds(input.talkSeconds())
                .setMarketing(input.marketing())
                .build();
    }

    /**
     * Adds a call to the contact's recent calls (already paired when it was the second report), keeping the
     * newest within {@link #RECENT_CALLS_KEPT}.
     */
    private static LeadState remember(LeadState state, LeadInput input, boolean paired) {
        if (!input.isCall()) {
            return state;
        }
        List<RecentCall> calls = new ArrayList<>(state.getRecentCalls());
        calls.add(new RecentCall(input.id(), input.tracker(), input.line(), input.at(), paired));
        Instant horizon = latest(state.getLastTouchAt(), input.at()).minus(RECENT_CALLS_KEPT);
        calls.removeIf(c -> c.getAt().isBefore(horizon));
        calls.sort(Comparator.comparing(RecentCall::getAt));
        List<RecentCall> kept = calls.size() > RECENT_CALLS ? calls.subList(calls.size() - RECENT_CALLS, calls.size()) : calls;
        return LeadState.newBuilder(state).setRecentCalls(new ArrayList<>(kept)).build();
    }

    private static Instant latest(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static LeadEvent envelope(String leadId, LeadInput input, long sequence, Object payload) {
        return envelope(leadId, input.tenant(), input.contact(), input.id(), input.at(), sequence, payload);
    }

    private static LeadEvent envelope(String leadId, LeadState lead, String causeId, Instant at, long sequence, Object payload) {
        return envelope(leadId, lead.getTenant(), lead.getContact(), causeId, at, sequence, payload);
    }

    private static LeadEvent envelope(String leadId, String tenant, String contact, String causeId, Instant at, long sequence,
                                      Object payload) {
        return LeadEvent.newBuilder()
                .setEventId(leadId + "#" + sequence)
                .setLeadId(leadId)
                .setTenant(tenant)
                .setContact(contact)
                .setSequence(sequence)
                .setOccurredAt(at)
                .setCauseId(causeId)
                .setPayload(payload)
                .build();
    }
}
