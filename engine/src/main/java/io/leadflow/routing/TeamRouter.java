package io.leadflow.routing;

import io.leadflow.avro.Alert;
import io.leadflow.avro.AlertKind;
import io.leadflow.avro.AlertSeverity;
import io.leadflow.avro.LeadAssignment;
import io.leadflow.avro.Manager;
import io.leadflow.avro.RoutingCommand;
import io.leadflow.avro.RoutingCommandKind;
import io.leadflow.avro.RoutingStrategy;
import io.leadflow.avro.Team;
import io.leadflow.avro.TeamLoad;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One team's routing as a pure function of its load and the next command. An owner some rule already chose
 * (answered the call, returning client) is kept and does not use a rotation turn. Otherwise the team's
 * strategy picks among its managers who are available, on shift (at the lead's event time) and under capacity:
 * round-robin, least-loaded (ties broken in rotation order) or smooth weighted round-robin. When nobody can
 * take the lead it waits in the team's queue and an alert says why. A lead taken from its owner (an SLA breach)
 * goes to anyone but them. Open-lead counts go up on assignment and
 * down on release.
 */
public final class TeamRouter {
    private TeamRouter() {
    }

    /** The new load, the assignment (none for a release), and an alert when the lead could not be placed. */
    public record Outcome(TeamLoad load, LeadAssignment assignment, Alert alert) {
    }

    public static Outcome apply(TeamLoad current, RoutingCommand command, Roster roster) {
        TeamLoad load = current == null ? TeamLoad.newBuilder().build() : TeamLoad.newBuilder(current).build();
        Map<String, Integer> open = new HashMap<>(load.getOpenLeads());
        if (command.getKind() == RoutingCommandKind.RELEASE) {
            if (command.getOwner() != null) {
                open.computeIfPresent(command.getOwner(), (m, n) -> n > 1 ? n - 1 : null);
            }
            return new Outcome(TeamLoad.newBuilder(load).setOpenLeads(open).build(), null, null);
        }
        if (command.getOwner() != null) { // decided by an owner rule: keep it, count it, leave the rotation alone
            open.merge(command.getOwner(), 1, Integer::sum);
            return new Outcome(TeamLoad.newBuilder(load).setOpenLeads(open).build(),
                    assignment(command, command.getOwner(), null, command.getRule(), command.getReason(), roster), null);
        }
        Optional<Team> team = roster.team(command.getTeam());
        if (team.isEmpty()) {
            String reason = command.getReason() + "; team " + command.getTeam() + " is not in the roster";
            return unplaced(load, command, null, reason, AlertSeverity.CRITICAL);
        }
        List<String> eligible = new ArrayList<>();
        List<String> passedOver = new ArrayList<>();
        for (String id : roster.managersOf(command.getTeam())) {
            Manager manager = roster.manager(id).orElseThrow();
            int held = open.getOrDefault(id, 0);
            if (id.equals(command.getExclude())) {
                passedOver.add(id + " is who it is taken from");
            } else if (!manager.getAvailable()) {
                passedOver.add(id + " unavailable");
            } else if (!roster.onShift(id, command.getAt())) {
                passedOver.add(id + " off shift");
            } else if (manager.getCapacity() > 0 && held >= manager.getCapacity()) {
                passedOver.add(id + " at capacity " + held + "/" + manager.getCapacity());
            } else {
                eligible.add(id);
            }
        }
        String skipped = passedOver.isEmpty() ? "" : " (" + String.join(", ", passedOver) + ")";
        if (eligible.isEmpty()) {
            String queue = team.get().getQueue() != null ? team.get().getQueue() : command.getTeam() + "-queue";
            String reason = command.getReason() + "; nobody in team " + command.getTeam() + " can take it" + skipped + " → queue " + queue;
            return unplaced(load, command, queue, reason, AlertSeverity.WARNING);
        }
        Map<String, Integer> credits = new HashMap<>(load.getCredits());
        String pick = switch (team.get().getStrategy()) {
            case LEAST_LOADED -> eligible.stream()
                    .min(Comparator.<String>comparingInt(id -> open.getOrDefault(id, 0)).thenComparing(turnOrder(load.getLastTurn())))
                    .orElseThrow();
            case WEIGHTED -> weighted(eligible, roster, credits);
            default -> eligible.stream().min(turnOrder(load.getLastTurn())).orElseThrow();
        };
        open.merge(pick, 1, Integer::sum);
        String rule = team.get().getStrategy().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        // the load is part of the reason only where it decided: how many leads an owner holds when a lead arrives
        // depends on when the releases of other leads reached the router, which a replay need not repeat
        int held = open.get(pick) - 1;
        String holding = team.get().getStrategy() == RoutingStrategy.LEAST_LOADED
                ? " (" + held + (held == 1 ? " open lead)" : " open leads)") : "";
        String reason = command.getReason() + "; " + rule + " in team " + command.getTeam() + " → " + pick + holding + skipped;
        return new Outcome(TeamLoad.newBuilder(load).setOpenLeads(open).setLastTurn(pick).setCredits(credits).setLastTurnAt(command.getAt().toEpochMilli())
                .build(), assignment(command, pick, null, rule, reason, roster), null);
    }

    /** Rotation order: the managers after the last one picked, then from the start again. */
    private static Comparator<String> turnOrder(String lastTurn) {
        return Comparator.<String, Boolean>comparing(id -> lastTurn != null && id.compareTo(lastTurn) <= 0).thenComparing(id -> id);
    }

    /** Smooth weighted round-robin (as nginx does it): even spreading, a manager of weight 2 gets every other lead of 3. */
    private static String weighted(List<String> eligible, Roster roster, Map<String, Integer> credits) {
        int total = 0;
        for (String id : eligible) {
            int weight = roster.manager(id).orElseThrow().getWeight();
            total += weight;
            credits.merge(id, weight, Integer::sum);
        }
        String pick = eligible.stream().max(Comparator.<String>comparingInt(credits::get).thenComparing(Comparator.reverseOrder()))
                .orElseThrow();
        credits.merge(pick, -total, Integer::sum);
        return pick;
    }

    private static Outcome unplaced(TeamLoad load, RoutingCommand command, String queue, String reason, AlertSeverity severity) {
        Alert alert = Alert.newBuilder().setAlertId("unassigned:" + command.getCommandId()).setTenant(command.getTenant())
                .setKind(AlertKind.LEAD_UNASSIGNED).setSeverity(severity).setLeadId(command.getLeadId()).setTeam(command.getTeam())
                .setContact(command.getContact())
                .setMessage("Lead " + command.getLeadId() + " has no owner: " + reason).setAt(command.getAt()).build();
        return new Outcome(load, assignment(command, null, queue, "fallback-queue", reason, null), alert);
    }

    private static LeadAssignment assignment(RoutingCommand command, String owner, String queue, String rule, String reason,
                                             Roster roster) {
        Map<String, String> crmUsers = owner == null ? Map.of() : roster.manager(owner).map(Manager::getCrmUsers).orElse(Map.of());
        return LeadAssignment.newBuilder().setCrmUsers(crmUsers).setCommandId(command.getCommandId()).setTenant(command.getTenant())
                .setContact(command.getContact()).setLeadId(command.getLeadId()).setTeam(command.getTeam()).setOwner(owner)
                .setQueue(queue).setRule(rule).setReason(reason).setAt(command.getAt()).build();
    }
}
