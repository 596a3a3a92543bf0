package io.leadflow.sla;

import io.leadflow.avro.AlertKind;
import io.leadflow.avro.LeadCallbackDue;
import io.leadflow.avro.LeadClass;
import io.leadflow.avro.LeadState;
import io.leadflow.avro.LeadStatus;
import io.leadflow.avro.SlaWarning;
import io.leadflow.config.SlaConfig;
import io.leadflow.routing.Roster;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The SLA clocks as pure functions, where the topology cannot easily reach: a lead the routers have not placed yet. */
class SlaClocksTest {
    private static final ZoneId MOSCOW = ZoneId.of("Europe/Moscow");
    private static final Instant OPENED = Instant.parse("2026-11-23T07:00:00Z"); // Monday 10:00 in Moscow
    private final SlaPolicies policies = new SlaPolicies(SlaConfig.defaults(), MOSCOW);

    @Test
    void stepsOfALeadWithNoTeamOrOwnerYetFireWithNobodyToNameRatherThanFail() {
        LeadState lead = LeadState.newBuilder().setLeadId("L1").setTenant("acme").setContact("+79161234567").setStatus(LeadStatus.OPEN)
                .setLeadClass(LeadClass.MISSED_CALL).setSequence(1).setOpenedAt(OPENED).setLastTouchAt(OPENED).setTouches(1)
                .setSlaClocks(List.of(policies.response(LeadClass.MISSED_CALL, OPENED), policies.callbacks(OPENED).orElseThrow()))
                .build();

        SlaClocks.Fired fired = SlaClocks.fire(lead, OPENED.plus(Duration.ofHours(13)), policies, new Roster(List.of(), MOSCOW), MOSCOW);

        // the three callbacks (+15 min, +1 h, 09:00 next morning is later) and the 50 % warning at +12 h, in time order
        assertThat(fired.events()).extracting(e -> e.payload().getClass().getSimpleName())
                .containsExactly("LeadCallbackDue", "LeadCallbackDue", "SlaWarning");
        assertThat(((LeadCallbackDue) fired.events().get(0).payload()).getOwner()).isNull();
        assertThat(((SlaWarning) fired.events().get(2).payload()).getNotify()).isEmpty();
        assertThat(fired.alerts()).extracting(a -> a.getKind()).containsExactly(AlertKind.CALLBACK_DUE, AlertKind.CALLBACK_DUE,
                AlertKind.SLA_WARNING);
        assertThat(SlaClocks.nextDue(fired.state())).as("the 80 %% warning, then the callback next morning")
                .contains(OPENED.plus(Duration.ofMinutes(Math.round(24 * 60 * 0.8))));
    }
}
