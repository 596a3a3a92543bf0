package io.leadflow.lead;

import io.leadflow.avro.CallDirection;
import io.leadflow.avro.CallEvent;
import io.leadflow.avro.CallStatus;
import io.leadflow.avro.ContactKey;
import io.leadflow.avro.LeadClass;
import io.leadflow.avro.LeadCreated;
import io.leadflow.avro.LeadEvent;
import io.leadflow.avro.LeadState;
import io.leadflow.avro.LeadStatus;
import io.leadflow.avro.LeadTouched;
import io.leadflow.avro.TouchChannel;

import java.time.Instant;
import java.util.Optional;

/**
 * The lead aggregate's decision function: given a contact's current lead (or none) and a call, which
 * lead event happens. Pure, so it is tested without Kafka and replays to the same answer.
 */
public final class LeadLifecycle {
    private LeadLifecycle() {
    }

    /** The event and the state after it. */
    public record Decision(LeadEvent event, LeadState state) {
    }

    /** An inbound call — answered or missed — is a touch; outbound and ringing calls are not (yet) lead facts. */
    static boolean isTouch(CallEvent call) {
        return call.getDirection() == CallDirection.INBOUND
                && (call.getStatus() == CallStatus.ANSWERED || call.getStatus() == CallStatus.MISSED);
    }

    public static Optional<Decision> decide(LeadState current, CallEvent call) {
        if (!isTouch(call)) {
            return Optional.empty();
        }
        if (current == null || current.getStatus() != LeadStatus.OPEN) {
            return Optional.of(open(current, call));
        }
        return Optional.of(touch(current, call));
    }

    private static Decision open(LeadState previous, CallEvent call) {
        boolean returning = previous != null && previous.getWonLeads() > 0;
        boolean missed = call.getStatus() == CallStatus.MISSED;
        LeadClass leadClass = returning ? LeadClass.RETURNING : missed ? LeadClass.MISSED_CALL : LeadClass.ANSWERED_CALL;
        String leadId = LeadIds.of(call.getTenant(), call.getContact(), call.getEventId());
        Instant at = call.getStartedAt();

        LeadEvent event = envelope(leadId, call, 1, LeadCreated.newBuilder()
                .setLeadClass(leadClass)
                .setChannel(TouchChannel.CALL)
                .setVendor(call.getVendor())
                .setCallId(call.getCallId())
                .setLine(call.getLine())
                .setAnsweredBy(missed ? null : call.getExtension())
                .setReturning(returning)
                .build());
        LeadState state = LeadState.newBuilder()
                .setLeadId(leadId)
                .setTenant(call.getTenant())
                .setContact(call.getContact())
                .setStatus(LeadStatus.OPEN)
                .setLeadClass(leadClass)
                .setSequence(1)
                .setOpenedAt(at)
                .setLastTouchAt(at)
                .setTouches(1)
                .setFirstCallId(call.getCallId())
                .setLine(call.getLine())
                .setReturning(returning)
                .setWonLeads(previous == null ? 0 : previous.getWonLeads())
                .build();
        return new Decision(event, state);
    }

    private static Decision touch(LeadState current, CallEvent call) {
        long sequence = current.getSequence() + 1;
        LeadEvent event = envelope(current.getLeadId(), call, sequence, LeadTouched.newBuilder()
                .setTouchId(call.getEventId())
                .setChannel(TouchChannel.CALL)
                .setVendor(call.getVendor())
                .setCallId(call.getCallId())
                .setLine(call.getLine())
                .setMissed(call.getStatus() == CallStatus.MISSED)
                .setCorrection(false)
                .build());
        Instant last = current.getLastTouchAt().isAfter(call.getStartedAt()) ? current.getLastTouchAt() : call.getStartedAt();
        LeadState state = LeadState.newBuilder(current)
                .setSequence(sequence)
                .setTouches(current.getTouches() + 1)
                .setLastTouchAt(last)
                .build();
        return new Decision(event, state);
    }

    private static LeadEvent envelope(String leadId, CallEvent call, long sequence, Object payload) {
        return LeadEvent.newBuilder()
                .setEventId(leadId + "#" + sequence)
                .setLeadId(leadId)
                .setTenant(call.getTenant())
                .setContact(call.getContact())
                .setSequence(sequence)
                .setOccurredAt(call.getStartedAt())
                .setCauseId(call.getEventId())
                .setPayload(payload)
                .build();
    }

    static ContactKey keyOf(CallEvent call) {
        return new ContactKey(call.getTenant(), call.getContact());
    }
}
