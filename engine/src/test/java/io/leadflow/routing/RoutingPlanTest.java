package io.leadflow.routing;

import io.leadflow.avro.LeadClass;
import io.leadflow.avro.LeadState;
import io.leadflow.avro.LeadStatus;
import io.leadflow.avro.RoutingCommand;
import io.leadflow.avro.RoutingStrategy;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static io.leadflow.routing.RosterFixture.MONDAY_MORNING;
import static io.leadflow.routing.RosterFixture.SATURDAY;
import static io.leadflow.routing.RosterFixture.WEEKDAYS;
import static org.assertj.core.api.Assertions.assertThat;

class RoutingPlanTest {
    private static final String SALES_LINE = "+74951234567";
    private static final Roster ROSTER = new RosterFixture()
            .team("sales", RoutingStrategy.ROUND_ROBIN, true)
            .team("vip", RoutingStrategy.LEAST_LOADED, false)
            .line("+74957777777", "vip")
            .manager("anna", "sales", "101", 0, 1, true, WEEKDAYS)
            .manager("boris", "vip", "201", 0, 1, false, null)
            .manager("clara", "vip", "202").build();

    @Test
    void theManagerWhoAnsweredOwnsTheLeadInTheirTeamWhateverTheLine() {
        RoutingCommand command = RoutingPlan.route(lead(SALES_LINE, false, null), "202", "L#1", ROSTER, MONDAY_MORNING);

        assertThat(command.getOwner()).isEqualTo("clara");
        assertThat(command.getTeam()).isEqualTo("vip");
        assertThat(command.getRule()).isEqualTo("answered-by");
        assertThat(command.getReason()).isEqualTo("clara answered the call (extension 202)");
    }

    @Test
    void anExtensionNotInTheRosterFallsThroughToTheLine() {
        assertThat(RoutingPlan.route(lead("+74957777777", false, null), "999", "L#1", ROSTER, MONDAY_MORNING))
                .extracting(RoutingCommand::getTeam, RoutingCommand::getOwner, RoutingCommand::getRule)
                .containsExactly("vip", null, "line-team");
    }

    @Test
    void aReturningContactGoesBackToTheirPreviousOwnerOnlyWhenOnShiftAndAvailable() {
        assertThat(RoutingPlan.route(lead(SALES_LINE, true, "anna"), null, "L#1", ROSTER, MONDAY_MORNING))
                .extracting(RoutingCommand::getOwner, RoutingCommand::getRule).containsExactly("anna", "returning-owner");

        RoutingCommand weekend = RoutingPlan.route(lead(SALES_LINE, true, "anna"), null, "L#1", ROSTER, SATURDAY);
        assertThat(weekend.getOwner()).isNull();
        assertThat(weekend.getRule()).isEqualTo("fallback-team");
        assertThat(weekend.getReason()).startsWith("returning client, but previous owner anna is off shift; ");

        RoutingCommand away = RoutingPlan.route(lead("+74957777777", true, "boris"), null, "L#1", ROSTER, MONDAY_MORNING);
        assertThat(away.getRule()).isEqualTo("line-team");
        assertThat(away.getReason()).contains("boris is unavailable");
    }

    @Test
    void anUnmappedLineGoesToTheFallbackTeamAndWithoutOneToNoTeam() {
        assertThat(RoutingPlan.route(lead(null, false, null), null, "L#1", ROSTER, MONDAY_MORNING))
                .extracting(RoutingCommand::getTeam, RoutingCommand::getRule).containsExactly("sales", "fallback-team");
        Roster noFallback = new RosterFixture().team("vip", RoutingStrategy.ROUND_ROBIN, false).build();
        assertThat(RoutingPlan.route(lead(SALES_LINE, false, null), null, "L#1", noFallback, MONDAY_MORNING))
                .extracting(RoutingCommand::getTeam, RoutingCommand::getRule).containsExactly(RoutingPlan.NO_TEAM, "no-team");
    }

    @Test
    void aLaterAnswerByARosterManagerHandsTheLeadToThem() {
        LeadState ownedByAnna = LeadState.newBuilder(lead(SALES_LINE, false, null)).setOwner("anna").setTeam("sales").build();

        assertThat(RoutingPlan.answeredBy(ownedByAnna, "202", "L/call/answered", ROSTER, MONDAY_MORNING)).get()
                .extracting(RoutingCommand::getOwner, RoutingCommand::getTeam, RoutingCommand::getRule)
                .containsExactly("clara", "vip", "answered-by");
        assertThat(RoutingPlan.answeredBy(ownedByAnna, "999", "L/call/answered", ROSTER, MONDAY_MORNING)).isEmpty();
    }

    private static LeadState lead(String line, boolean returning, String previousOwner) {
        return LeadState.newBuilder().setLeadId("L").setTenant("t").setContact("+79161234567").setStatus(LeadStatus.OPEN)
                .setLeadClass(returning ? LeadClass.RETURNING : LeadClass.MISSED_CALL).setSequence(1)
                .setOpenedAt(Instant.EPOCH).setLastTouchAt(Instant.EPOCH).setTouches(1).setLine(line).setReturning(returning)
                .setPreviousOwner(previousOwner).setRecentCalls(List.of()).build();
    }
}
