package io.leadflow.sla;

import io.leadflow.avro.Alert;
import io.leadflow.avro.AlertKind;
import io.leadflow.avro.AlertSeverity;
import io.leadflow.avro.LeadCallbackDue;
import io.leadflow.avro.LeadClass;
import io.leadflow.avro.LeadClosed;
import io.leadflow.avro.LeadCreated;
import io.leadflow.avro.LeadEvent;
import io.leadflow.avro.LeadResponded;
import io.leadflow.avro.LeadStageChanged;
import io.leadflow.avro.LeadState;
import io.leadflow.avro.RoutingCommand;
import io.leadflow.avro.SlaAction;
import io.leadflow.avro.SlaBreached;
import io.leadflow.avro.SlaClock;
import io.leadflow.avro.SlaEscalated;
import io.leadflow.avro.SlaStep;
import io.leadflow.avro.SlaWarning;
import io.leadflow.avro.Team;
import io.leadflow.config.SlaConfig.Policy;
import io.leadflow.routing.Roster;
import io.leadflow.routing.RoutingPlan;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A lead's SLA clocks as pure functions of its state. {@link #track} starts and stops them as the lead's own events
 * happen: a new lead starts its first-response clock (and, for a missed call, its callback schedule); the first
 * response stops both; entering a CRM stage with a limit starts that stage's clock, leaving it stops it; closing
 * stops all. {@link #fire} fires the steps that are due: warnings to the owner (R), the breach to the owner and the
 * accountable team lead (A), the reassignment to another manager of the team, callback tasks. When a breached clock
 * stops, the accountable and the informed (I) hear how it ended.
 */
public final class SlaClocks {
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("EEE dd.MM HH:mm", java.util.Locale.ENGLISH);

    private SlaClocks() {
    }

    /** A lead event the SLA adds to the lead's log (the lead processor numbers it). */
    public record Due(Instant at, String causeId, Object payload) {
    }

    /** What firing did: the lead with its clocks advanced, and what it tells the lead's log, people and routers. */
    public record Fired(LeadState state, List<Due> events, List<Alert> alerts, List<RoutingCommand> commands) {
    }

    /** The lead with its clocks started and stopped after {@code events}, and the alerts for breached clocks that stopped. */
    public record Tracked(LeadState state, List<Alert> alerts) {
    }

    /** @param roster read only when a breached clock stops (its accountable is the team lead) */
    public static Tracked track(LeadState before, LeadState after, List<LeadEvent> events, SlaPolicies policies,
                                Supplier<Roster> roster, ZoneId zone) {
        if (events.stream().noneMatch(SlaClocks::movesClocks)) {
            return new Tracked(after, List.of()); // touches, assignments, SLA steps: the clocks stay as they are
        }
        List<SlaClock> clocks = new ArrayList<>(before == null ? List.of() : before.getSlaClocks());
        LeadState lead = before;
        List<Alert> alerts = new ArrayList<>();
        for (LeadEvent event : events) {
            Object payload = event.getPayload();
            Instant at = event.getOccurredAt();
            if (payload instanceof LeadCreated created) {
                stop(clocks, c -> true, lead, at, policies, roster, zone, alerts); // the contact's previous lead, closed for quiet
                lead = after;
                clocks.add(policies.response(created.getLeadClass(), at));
                if (missedCall(created)) {
                    policies.callbacks(at).ifPresent(clocks::add);
                }
            } else if (payload instanceof LeadResponded) {
                stop(clocks, c -> c.getPolicy().startsWith(SlaPolicies.RESPONSE) || c.getPolicy().equals(SlaPolicies.CALLBACKS),
                        lead, at, policies, roster, zone, alerts);
            } else if (payload instanceof LeadStageChanged changed && changed.getChildFunnel() == null) { // the lead's own deal
                stop(clocks, c -> c.getPolicy().startsWith(SlaPolicies.STAGE), lead, at, policies, roster, zone, alerts);
                policies.stage(changed.getToStage(), at).ifPresent(clocks::add);
            } else if (payload instanceof LeadClosed) {
                stop(clocks, c -> true, lead, at, policies, roster, zone, alerts);
            }
        }
        return new Tracked(LeadState.newBuilder(after).setSlaClocks(clocks).build(), alerts);
    }

    private static boolean movesClocks(LeadEvent event) {
        Object payload = event.getPayload();
        return payload instanceof LeadCreated || payload instanceof LeadResponded
                || payload instanceof LeadStageChanged changed && changed.getChildFunnel() == null || payload instanceof LeadClosed;
    }

    /** When the lead's next step is due, if any. */
    public static Optional<Instant> nextDue(LeadState lead) {
        return lead == null ? Optional.empty() : lead.getSlaClocks().stream()
                .filter(c -> c.getFired() < c.getSteps().size())
                .map(c -> c.getSteps().get(c.getFired()).getAt())
                .min(Comparator.naturalOrder());
    }

    /** Fires every step due by {@code upTo}, oldest first. */
    public static Fired fire(LeadState lead, Instant upTo, SlaPolicies policies, Roster roster, ZoneId zone) {
        List<SlaClock> clocks = new ArrayList<>();
        lead.getSlaClocks().forEach(c -> clocks.add(SlaClock.newBuilder(c).build()));
        List<Due> events = new ArrayList<>();
        List<Alert> alerts = new ArrayList<>();
        List<RoutingCommand> commands = new ArrayList<>();
        while (true) {
            Optional<SlaClock> next = clocks.stream().filter(c -> c.getFired() < c.getSteps().size())
                    .filter(c -> !c.getSteps().get(c.getFired()).getAt().isAfter(upTo))
                    .min(Comparator.comparing(c -> c.getSteps().get(c.getFired()).getAt()));
            if (next.isEmpty()) {
                break;
            }
            SlaClock clock = next.get();
            int index = clock.getFired();
            clock.setFired(index + 1);
            fireStep(lead, clock, index, policies, roster, zone, events, alerts, commands);
        }
        return new Fired(LeadState.newBuilder(lead).setSlaClocks(clocks).build(), events, alerts, commands);
    }

    private static void fireStep(LeadState lead, SlaClock clock, int index, SlaPolicies policies, Roster roster, ZoneId zone,
                                 List<Due> events, List<Alert> alerts, List<RoutingCommand> commands) {
        SlaStep step = clock.getSteps().get(index);
        String id = lead.getLeadId() + "/" + clock.getPolicy() + "/" + index;
        String cause = "sla:" + clock.getPolicy() + "#" + index;
        Optional<Policy> policy = policies.policyOf(clock);
        String owner = lead.getOwner();
        String accountable = accountable(lead, policy, roster);
        Alert.Builder alert = alert(id, lead, clock, step.getAt());
        switch (step.getAction()) {
            case WARN -> {
                List<String> notify = recipients(owner != null ? owner : accountable);
                events.add(new Due(step.getAt(), cause, new SlaWarning(clock.getPolicy(), step.getFraction(), clock.getDeadline(), notify)));
                alerts.add(alert.setKind(AlertKind.SLA_WARNING).setSeverity(AlertSeverity.WARNING).setRecipients(notify)
                        .setMessage(String.format("Lead %s: %d%% of the %s time is gone, deadline %s%s", lead.getContact(),
                                Math.round(step.getFraction() * 100), what(clock), local(clock.getDeadline(), zone), ownerNote(owner)))
                        .build());
            }
            case BREACH -> {
                List<String> notify = recipients(owner, accountable);
                events.add(new Due(step.getAt(), cause, new SlaBreached(clock.getPolicy(), clock.getDeadline(), notify)));
                alerts.add(alert.setKind(AlertKind.SLA_BREACHED).setSeverity(AlertSeverity.CRITICAL).setRecipients(notify)
                        .setMessage(String.format("Lead %s: the %s deadline %s passed with no response%s", lead.getContact(),
                                what(clock), local(clock.getDeadline(), zone), ownerNote(owner)))
                        .build());
            }
            case REASSIGN -> {
                String reason = "SLA " + clock.getPolicy() + " breached at " + clock.getDeadline()
                        + (owner == null ? "; still unassigned" : "; taken from " + owner);
                events.add(new Due(step.getAt(), cause, new SlaEscalated(clock.getPolicy(), "A", lead.getTeam(), reason)));
                commands.add(RoutingPlan.reassign(lead, reason, id, step.getAt()));
                alerts.add(alert.setKind(AlertKind.LEAD_REASSIGNED).setSeverity(AlertSeverity.CRITICAL).setRecipients(recipients(accountable, owner))
                        .setMessage(String.format("Lead %s: still no response %s after the %s deadline; handed to another manager of team %s",
                                lead.getContact(), human(Duration.between(clock.getDeadline(), step.getAt())), what(clock), lead.getTeam()))
                        .build());
            }
            case CALLBACK -> {
                int attempts = clock.getSteps().size();
                events.add(new Due(step.getAt(), cause, new LeadCallbackDue(step.getAttempt(), attempts, owner)));
                alerts.add(alert.setKind(AlertKind.CALLBACK_DUE).setSeverity(AlertSeverity.INFO)
                        .setRecipients(recipients(owner != null ? owner : accountable))
                        .setMessage(String.format("Call %s back: missed call at %s, attempt %d of %d%s", lead.getContact(),
                                local(clock.getStartedAt(), zone), step.getAttempt(), attempts, ownerNote(owner)))
                        .build());
            }
            default -> { } // a step this version does not know: skip it rather than stall the clock
        }
    }

    /** Stops the clocks {@code which} selects; the accountable and informed hear how a breached one ended. */
    private static void stop(List<SlaClock> clocks, Predicate<SlaClock> which, LeadState lead, Instant at, SlaPolicies policies,
                             Supplier<Roster> roster, ZoneId zone, List<Alert> alerts) {
        List<SlaClock> stopped = clocks.stream().filter(which).toList();
        clocks.removeAll(stopped);
        for (SlaClock clock : stopped) {
            if (!breached(clock)) {
                continue;
            }
            Optional<Policy> policy = policies.policyOf(clock);
            List<String> notify = new ArrayList<>(recipients(accountable(lead, policy, roster.get())));
            policy.ifPresent(p -> notify.addAll(p.informed()));
            alerts.add(alert(lead.getLeadId() + "/" + clock.getPolicy() + "/resolved", lead, clock, at)
                    .setKind(AlertKind.SLA_RESOLVED).setSeverity(AlertSeverity.INFO).setRecipients(List.copyOf(new LinkedHashSet<>(notify)))
                    .setMessage(String.format("Lead %s: %s, %s after the %s deadline%s", lead.getContact(),
                            clock.getPolicy().startsWith(SlaPolicies.STAGE) ? "left the stage" : "answered",
                            human(Duration.between(clock.getDeadline(), at)), what(clock), ownerNote(lead.getOwner())))
                    .build());
        }
    }

    private static boolean breached(SlaClock clock) {
        return clock.getSteps().subList(0, clock.getFired()).stream().anyMatch(s -> s.getAction() == SlaAction.BREACH);
    }

    private static boolean missedCall(LeadCreated created) {
        return created.getLeadClass() == LeadClass.MISSED_CALL
                || created.getLeadClass() == LeadClass.RETURNING && created.getAnsweredBy() == null && created.getTalkSeconds() == 0
                && created.getChannel() == io.leadflow.avro.TouchChannel.CALL;
    }

    /** A: the policy's accountable manager, else the lead's team lead. */
    private static String accountable(LeadState lead, Optional<Policy> policy, Roster roster) {
        return policy.map(Policy::accountable)
                .or(() -> roster.team(lead.getTeam()).map(Team::getLead))
                .orElse(null);
    }

    private static List<String> recipients(String... ids) {
        Set<String> distinct = new LinkedHashSet<>();
        for (String id : ids) {
            if (id != null) {
                distinct.add(id);
            }
        }
        return List.copyOf(distinct);
    }

    private static Alert.Builder alert(String id, LeadState lead, SlaClock clock, Instant at) {
        return Alert.newBuilder().setAlertId(id).setTenant(lead.getTenant()).setLeadId(lead.getLeadId()).setTeam(lead.getTeam())
                .setOwner(lead.getOwner()).setContact(lead.getContact()).setPolicy(clock.getPolicy()).setDeadline(clock.getDeadline())
                .setAt(at);
    }

    private static String what(SlaClock clock) {
        String policy = clock.getPolicy();
        return policy.startsWith(SlaPolicies.STAGE) ? "stage " + policy.substring(SlaPolicies.STAGE.length())
                : "first-response (" + policy.substring(policy.indexOf(':') + 1).toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ")";
    }

    private static String ownerNote(String owner) {
        return owner == null ? "; nobody owns it yet" : "; owner " + owner;
    }

    private static String local(Instant at, ZoneId zone) {
        return at == null ? "-" : LOCAL.format(at.atZone(zone));
    }

    static String human(Duration duration) {
        long minutes = Math.max(0, duration.toMinutes());
        return minutes >= 60 ? minutes / 60 + " h " + minutes % 60 + " min" : minutes + " min";
    }
}
