package io.leadflow.lead;

import io.leadflow.avro.CallDirection;
import io.leadflow.avro.CallEvent;
import io.leadflow.avro.CallStatus;
import io.leadflow.avro.CloseOutcome;
import io.leadflow.avro.LeadClass;
import io.leadflow.avro.LeadCreated;
import io.leadflow.avro.LeadStatus;
import io.leadflow.avro.Vendor;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class LeadLifecycleTest {
    private static final Instant T0 = Instant.parse("2026-11-20T09:15:00Z");

    @Test
    void theFirstInboundCallOpensALeadWithADeterministicId() {
        var first = LeadLifecycle.decide(null, call("e1", CallStatus.ANSWERED, T0)).orElseThrow();
        var replayed = LeadLifecycle.decide(null, call("e1", CallStatus.ANSWERED, T0)).orElseThrow();

        assertThat(first.event()).isEqualTo(replayed.event());
        assertThat(first.event().getEventId()).isEqualTo(first.state().getLeadId() + "#1");
        assertThat(first.state().getLeadClass()).isEqualTo(LeadClass.ANSWERED_CALL);
        assertThat(((LeadCreated) first.event().getPayload()).getAnsweredBy()).isEqualTo("101");
    }

    @Test
    void aContactWithAnEarlierWonLeadOpensAReturningLead() {
        var first = LeadLifecycle.decide(null, call("e1", CallStatus.ANSWERED, T0)).orElseThrow().state();
        var closedWon = io.leadflow.avro.LeadState.newBuilder(first)
                .setStatus(LeadStatus.CLOSED).setOutcome(CloseOutcome.WON).setWonLeads(1).build();

        var next = LeadLifecycle.decide(closedWon, call("e2", CallStatus.MISSED, T0.plusSeconds(86_400))).orElseThrow();

        assertThat(next.state().getLeadId()).isNotEqualTo(first.getLeadId());
        assertThat(next.state().getLeadClass()).isEqualTo(LeadClass.RETURNING);
        assertThat(((LeadCreated) next.event().getPayload()).getReturning()).isTrue();
        assertThat(next.state().getWonLeads()).isEqualTo(1);
    }

    @Test
    void anOutOfOrderOlderTouchDoesNotMoveLastTouchBack() {
        var opened = LeadLifecycle.decide(null, call("e1", CallStatus.MISSED, T0)).orElseThrow().state();

        var touched = LeadLifecycle.decide(opened, call("e0", CallStatus.MISSED, T0.minusSeconds(600))).orElseThrow();

        assertThat(touched.state().getLastTouchAt()).isEqualTo(T0);
        assertThat(touched.state().getTouches()).isEqualTo(2);
    }

    @Test
    void ringingAndOutboundCallsAreNotTouches() {
        assertThat(LeadLifecycle.decide(null, call("e1", CallStatus.RINGING, T0))).isEmpty();
        var outbound = CallEvent.newBuilder(call("e2", CallStatus.ANSWERED, T0)).setDirection(CallDirection.OUTBOUND).build();
        assertThat(LeadLifecycle.decide(null, outbound)).isEmpty();
    }

    private static CallEvent call(String id, CallStatus status, Instant at) {
        return CallEvent.newBuilder()
                .setEventId(id).setTenant("demo").setVendor(Vendor.MANGO).setCallId(id)
                .setContact("+79161234567").setLine("+74951234567")
                .setDirection(CallDirection.INBOUND).setStatus(status).setExtension("101")
                .setStartedAt(at).build();
    }
}
