package io.leadflow.routing;

import io.leadflow.avro.LeadState;
import io.leadflow.avro.Manager;
import io.leadflow.avro.RoutingCommand;
import io.leadflow.avro.RoutingCommandKind;

import java.time.Instant;
import java.util.Optional;

/**
 * The rules that can be decided where the lead lives (per contact), in order: the manager who answered the
 * call owns it; a returning contact goes back to their previous owner when on shift and available; the line
 * (or substitution number) the call came in on names a team; otherwise the tenant's fallback team. The team's
 * router then keeps an owner chosen here or picks one by its rotation ({@link TeamRouter}).
 */
public final class RoutingPlan {
    /** Team of a lead no rule could place (no team configured at all): its router queues it with an alert. */
    public static final String NO_TEAM = "-";

    private RoutingPlan() {
    }

    /** Where a newly opened lead goes. */
    public static RoutingCommand route(LeadState lead, String answeredBy, String commandId, Roster roster, Instant at) {
        Optional<String> answerer = roster.managerWithExtension(answeredBy);
        if (answerer.isPresent()) {
            return toAnswerer(lead, answerer.get(), answeredBy, commandId, roster, at);
        }
        String previous = lead.getReturning() ? lead.getPreviousOwner() : null;
        Optional<Manager> previousOwner = roster.manager(previous);
        if (previousOwner.isPresent()) {
            if (previousOwner.get().getAvailable() && roster.onShift(previous, at)) {
                return command(lead, previousOwner.get().getTeam(), previous, "returning-owner",
                        "returning client: back to " + previous + ", who owned their previous lead", commandId, at);
            }
        }
        String passed = previousOwner.isPresent()
                ? "returning client, but previous owner " + previous + " is " + (previousOwner.get().getAvailable() ? "off shift" : "unavailable") + "; "
                : "";
        Optional<String> lineTeam = roster.teamOfLine(lead.getLine());
        if (lineTeam.isPresent()) {
            return command(lead, lineTeam.get(), null, "line-team", passed + "line " + lead.getLine() + " → team " + lineTeam.get(), commandId, at);
        }
        return roster.fallbackTeam()
                .map(team -> command(lead, team, null, "fallback-team",
                        passed + (lead.getLine() == null ? "no line" : "line " + lead.getLine() + " is not mapped") + " → fallback team " + team,
                        commandId, at))
                .orElseGet(() -> command(lead, NO_TEAM, null, "no-team", passed + "no line mapping and no fallback team configured",
                        commandId, at));
    }

    /**
     * A manager answered a call of an open lead after it was placed: they take it. Sent whoever owns the lead now —
     * the owner may still be on its way back from the router — and dropped by the lead if it names the owner it has.
     */
    public static Optional<RoutingCommand> answeredBy(LeadState lead, String extension, String commandId, Roster roster, Instant at) {
        return roster.managerWithExtension(extension).map(manager -> toAnswerer(lead, manager, extension, commandId, roster, at));
    }

    /** The lead's team picks someone else than its owner by rotation: the owner let its SLA lapse. */
    public static RoutingCommand reassign(LeadState lead, String reason, String commandId, Instant at) {
        return RoutingCommand.newBuilder(command(lead, lead.getTeam() != null ? lead.getTeam() : NO_TEAM, null, "sla-reassign", reason,
                commandId, at)).setExclude(lead.getOwner()).build();
    }

    /** Frees an owner's slot on their team: their lead closed or moved to someone else. */
    public static RoutingCommand release(String tenant, String team, String owner, String leadId, String contact, String commandId,
                                         Instant at) {
        return RoutingCommand.newBuilder().setCommandId(commandId).setTenant(tenant).setTeam(team).setLeadId(leadId)
                .setContact(contact).setAt(at).setKind(RoutingCommandKind.RELEASE).setOwner(owner).build();
    }

    private static RoutingCommand toAnswerer(LeadState lead, String manager, String extension, String commandId, Roster roster,
                                             Instant at) {
        String team = roster.manager(manager).orElseThrow().getTeam();
        return command(lead, team, manager, "answered-by", manager + " answered the call (extension " + extension + ")", commandId, at);
    }

    private static RoutingCommand command(LeadState lead, String team, String owner, String rule, String reason, String commandId,
                                          Instant at) {
        return RoutingCommand.newBuilder().setCommandId(commandId).setTenant(lead.getTenant()).setTeam(team)
                .setLeadId(lead.getLeadId()).setContact(lead.getContact()).setAt(at).setKind(RoutingCommandKind.ROUTE)
                .setOwner(owner).setRule(rule).setReason(reason).build();
    }
}
