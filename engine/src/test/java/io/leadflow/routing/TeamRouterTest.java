package io.leadflow.routing;

import io.leadflow.avro.AlertSeverity;
import io.leadflow.avro.RoutingCommand;
import io.leadflow.avro.RoutingCommandKind;
import io.leadflow.avro.RoutingStrategy;
import io.leadflow.avro.TeamLoad;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.leadflow.routing.RosterFixture.MONDAY_MORNING;
import static io.leadflow.routing.RosterFixture.SATURDAY;
import static io.leadflow.routing.RosterFixture.WEEKDAYS;
import static org.assertj.core.api.Assertions.assertThat;

class TeamRouterTest {
    private int leads;

    @Test
    void roundRobinTakesTurnsAndSkipsWhoIsOffShiftOrUnavailable() {
        Roster roster = new RosterFixture().team("sales", RoutingStrategy.ROUND_ROBIN, true)
                .manager("anna", "sales", "101")
                .manager("boris", "sales", "102", 0, 1, false, null)      // away
                .manager("clara", "sales", "103", 0, 1, true, WEEKDAYS)
                .manager("dmitry", "sales", "104").build();

        assertThat(owners(roster, MONDAY_MORNING, 5)).containsExactly("anna", "clara", "dmitry", "anna", "clara");
        assertThat(owners(roster, SATURDAY, 3)).containsExactly("anna", "dmitry", "anna");
    }

    @Test
    void anOwnerChosenByARuleIsKeptAndDoesNotUseARotationTurn() {
        Roster roster = new RosterFixture().team("sales", RoutingStrategy.ROUND_ROBIN, true)
                .manager("anna", "sales", "101").manager("boris", "sales", "102").build();
        TeamLoad load = TeamRouter.apply(null, route(null, MONDAY_MORNING), roster).load();   // anna's turn
        var answered = TeamRouter.apply(load, route("anna", MONDAY_MORNING), roster);      // anna answered another lead

        assertThat(answered.assignment().getOwner()).isEqualTo("anna");
        assertThat(answered.assignment().getRule()).isEqualTo("answered-by");
        assertThat(answered.load().getOpenLeads()).containsEntry("anna", 2);
        assertThat(TeamRouter.apply(answered.load(), route(null, MONDAY_MORNING), roster).assignment().getOwner()).isEqualTo("boris");
    }

    @Test
    void leastLoadedPicksTheManagerWithFewestOpenLeadsAndReleasesCount() {
        Roster roster = new RosterFixture().team("sales", RoutingStrategy.LEAST_LOADED, true)
                .manager("anna", "sales", "101").manager("boris", "sales", "102").build();
        TeamLoad load = null;
        for (String owner : List.of("anna", "anna", "anna")) {
            load = TeamRouter.apply(load, route(owner, MONDAY_MORNING), roster).load();
        }
        var next = TeamRouter.apply(load, route(null, MONDAY_MORNING), roster);
        assertThat(next.assignment().getOwner()).isEqualTo("boris");
        assertThat(next.assignment().getReason()).contains("least-loaded in team sales → boris (0 open leads)");

        load = next.load();
        for (int i = 0; i < 3; i++) {
            load = TeamRouter.apply(load, release("anna"), roster).load();
        }
        assertThat(load.getOpenLeads()).doesNotContainKey("anna").containsEntry("boris", 1);
        assertThat(TeamRouter.apply(load, route(null, MONDAY_MORNING), roster).assignment().getOwner()).isEqualTo("anna");
    }

    @Test
    void weightedRoutingSharesLeadsByWeightEvenly() {
        Roster roster = new RosterFixture().team("sales", RoutingStrategy.WEIGHTED, true)
                .manager("anna", "sales", "101", 0, 3, true, null).manager("boris", "sales", "102", 0, 1, true, null).build();

        List<String> owners = owners(roster, MONDAY_MORNING, 8);

        assertThat(owners).filteredOn("anna"::equals).hasSize(6);
        assertThat(owners).containsExactly("anna", "anna", "boris", "anna", "anna", "anna", "boris", "anna");
    }

    @Test
    void aManagerAtCapacityIsPassedOverAndWhenNobodyCanTakeItTheLeadIsQueuedWithAnAlert() {
        Roster roster = new RosterFixture().team("sales", RoutingStrategy.ROUND_ROBIN, true)
                .manager("anna", "sales", "101", 1, 1, true, null)
                .manager("boris", "sales", "102", 0, 1, true, WEEKDAYS).build();
        TeamLoad load = TeamRouter.apply(null, route(null, SATURDAY), roster).load(); // anna, now at capacity

        var queued = TeamRouter.apply(load, route(null, SATURDAY), roster);

        assertThat(queued.assignment().getOwner()).isNull();
        assertThat(queued.assignment().getQueue()).isEqualTo("sales-queue");
        assertThat(queued.assignment().getRule()).isEqualTo("fallback-queue");
        assertThat(queued.assignment().getReason()).contains("anna at capacity 1/1", "boris off shift");
        assertThat(queued.alert().getSeverity()).isEqualTo(AlertSeverity.WARNING);
        assertThat(queued.alert().getAlertId()).isEqualTo("unassigned:" + "lead-2#1");
        assertThat(queued.load()).isEqualTo(load);
    }

    @Test
    void aTeamMissingFromTheRosterQueuesTheLeadWithACriticalAlert() {
        Roster empty = new RosterFixture().build();

        var outcome = TeamRouter.apply(null, route(null, MONDAY_MORNING), empty);

        assertThat(outcome.assignment().getOwner()).isNull();
        assertThat(outcome.alert().getSeverity()).isEqualTo(AlertSeverity.CRITICAL);
    }

    private List<String> owners(Roster roster, Instant at, int count) {
        List<String> owners = new ArrayList<>();
        TeamLoad load = null;
        for (int i = 0; i < count; i++) {
            var outcome = TeamRouter.apply(load, route(null, at), roster);
            owners.add(outcome.assignment().getOwner());
            load = outcome.load();
        }
        return owners;
    }

    private RoutingCommand route(String owner, Instant at) {
        leads++;
        return RoutingCommand.newBuilder().setCommandId("lead-" + leads + "#1").setTenant("t").setTeam("sales")
                .setLeadId("lead-" + leads).setContact("+7916000000" + leads).setAt(at).setKind(RoutingCommandKind.ROUTE)
                .setOwner(owner).setRule(owner == null ? "line-team" : "answered-by").setReason("test").build();
    }

    private RoutingCommand release(String owner) {
        return RoutingCommand.newBuilder(route(owner, MONDAY_MORNING)).setKind(RoutingCommandKind.RELEASE).build();
    }
}
