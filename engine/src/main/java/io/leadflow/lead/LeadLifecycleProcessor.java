package io.leadflow.lead;

import io.leadflow.avro.Alert;
import io.leadflow.avro.CallDirection;
import io.leadflow.avro.CallEvent;
import io.leadflow.avro.ContactKey;
import io.leadflow.avro.CrmStageChange;
import io.leadflow.avro.LeadAssignment;
import io.leadflow.avro.LeadClosed;
import io.leadflow.avro.LeadCreated;
import io.leadflow.avro.LeadEvent;
import io.leadflow.avro.LeadResponded;
import io.leadflow.avro.LeadState;
import io.leadflow.avro.ResponseEvidence;
import io.leadflow.avro.RosterEntry;
import io.leadflow.avro.RoutingCommand;
import io.leadflow.avro.TeamKey;
import io.leadflow.avro.TeamLoad;
import io.leadflow.avro.TeamShareKey;
import io.leadflow.avro.Touch;
import io.leadflow.config.FunnelConfig;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.config.SlaConfig;
import io.leadflow.config.TenantConfig;
import io.leadflow.routing.Roster;
import io.leadflow.routing.RosterStore;
import io.leadflow.routing.RoutingPlan;
import io.leadflow.routing.TeamRouter;
import io.leadflow.routing.TeamShares;
import io.leadflow.sla.DueTimersPunctuator;
import io.leadflow.sla.SlaClocks;
import io.leadflow.sla.SlaMetrics;
import io.leadflow.sla.SlaPolicies;
import io.leadflow.sla.SlaTiming;
import io.leadflow.sla.TimerIndex;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;


/**
 * Applies {@link LeadLifecycle} per contact: reads the contact's lead from the state store, emits the lead
 * events and the new state. Its inputs — canonical calls, touches, CRM stage changes re-keyed by contact — are all
 * keyed by contact and partitioned alike, so all of one contact's inputs are handled in order by one task. It routes
 * each new lead where it lives ({@link RoutingPlan}, then {@link TeamRouter} over the team as {@link TeamShares} sees
 * it), hands a lead to the manager who answered it, and frees an owner's slot when the lead closes or moves: the
 * lead's owner is decided in the same transaction as the lead.
 * <p>
 * It also keeps each lead's SLA clocks ({@link SlaClocks}): every state it writes has its clocks started or stopped
 * by the lead's events, and the lead's next SLA step is a timer in a time-ordered store ({@link TimerIndex}). Due
 * timers fire before a record of a later event time is applied (so event time decides whether a response beat a
 * deadline) and, once the task has caught up, by the wall clock ({@link DueTimersPunctuator}). Firing reads the lead,
 * appends its SLA events to the lead's log, alerts people and may ask the team's router to reassign it — in the same
 * transaction as everything else, so an alert is neither lost nor repeated by a crash.
 */
public final class LeadLifecycleProcessor implements Processor<ContactKey, Object, Object, Object> {
    private final LeadflowConfig config;
    private final String storeName;
    private final String indexStoreName;
    private final String eventsChild;
    private final java.util.List<String> eventFollowers;
    private final String ledgerChild;
    private final String teamSharesStoreName;
    private final RosterStore.Changes rosterChanges;
    private final String alertsChild;
    private final String timerStoreName;
    private final SlaTiming timing;
    private final SlaMetrics metrics;
    private final String countsStoreName;
    private final Map<String, SlaPolicies> slaPolicies = new HashMap<>();
    /** This task's open leads per "tenant|SLA state", as its counts store holds them. */
    private final Map<String, Long> openLeads = new HashMap<>();
    private String task;
    private KeyValueStore<String, Long> counts;
    private ProcessorContext<Object, Object> context;
    private KeyValueStore<ContactKey, LeadState> leads;
    private KeyValueStore<String, ContactKey> leadIds;
    private RosterStore.Decoded rosters;
    private TeamShares teams;
    private TimerIndex timers;
    private DueTimersPunctuator punctuator;

    public LeadLifecycleProcessor(LeadflowConfig config, LeadTopology.Names names, SlaTiming timing, SlaMetrics metrics,
                                  RosterStore.Changes rosterChanges) {
        this.config = config;
        this.storeName = names.stateStore();
        this.indexStoreName = names.leadIdStore();
        this.timerStoreName = names.timerStore();
        this.eventsChild = names.events();
        this.eventFollowers = names.eventFollowers();
        this.ledgerChild = names.ledger();
        this.teamSharesStoreName = names.teamSharesStore();
        this.rosterChanges = rosterChanges;
        this.alertsChild = names.alerts();
        this.timing = timing;
        this.metrics = metrics;
        this.countsStoreName = names.countsStore();
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.leads = context.getStateStore(storeName);
        this.leadIds = context.getStateStore(indexStoreName);
        KeyValueStore<String, RosterEntry> roster = context.getStateStore(RosterStore.NAME);
        this.rosters = new RosterStore.Decoded(roster, rosterChanges);
        this.teams = new TeamShares(context.getStateStore(teamSharesStoreName), context.getStateStore(TeamShares.LEDGER_STORE),
                Integer.toString(context.taskId().partition()));
        this.timers = new TimerIndex(context.getStateStore(timerStoreName));
        this.punctuator = new DueTimersPunctuator(timing.catchUpLag(), timing.idleAfter(), context.currentSystemTimeMs(), this::fireDue);
        context.schedule(timing.tick(), PunctuationType.WALL_CLOCK_TIME, punctuator);
        this.task = context.taskId().toString();
        this.counts = context.getStateStore(countsStoreName);
        try (var all = counts.all()) {
            all.forEachRemaining(entry -> openLeads.put(entry.key, entry.value));
        }
        metrics.openLeads(task, openLeads);
    }

    @Override
    public void close() {
        metrics.forget(task);
    }

    @Override
    public void process(Record<ContactKey, Object> record) {
        long now = context.currentSystemTimeMs();
        punctuator.seen(record.timestamp(), now);
        // what was due before this record happened fires first (never past the wall clock: a record dated ahead must
        // not fire tomorrow's warnings today)
        long upTo = Math.min(record.timestamp(), now);
        if (timers.mayHaveDue(upTo)) {
            fireDue(upTo);
        }
        // Java 17: no pattern matching in switch yet
        if (record.value() instanceof CallEvent call && call.getDirection() == CallDirection.OUTBOUND) {
            ContactKey key = new ContactKey(call.getTenant(), call.getContact());
            LeadState before = leads.get(key);
            apply(key, before, LeadLifecycle.decideOutbound(before, call, rules(call.getTenant())));
        } else if (record.value() instanceof CallEvent call) {
            LeadInput.of(call).ifPresent(this::apply);
        } else if (record.value() instanceof Touch touch) {
            apply(LeadInput.of(touch));
        } else if (record.value() instanceof CrmStageChange change) {
            LeadState before = leads.get(record.key());
            Optional<String> child = config.tenant(change.getTenant())
                    .flatMap(t -> FunnelConfig.childFunnelOf(t.funnels(), change.getPipelineId()));
            apply(record.key(), before, child.isPresent() ? LeadLifecycle.decideChild(before, change, child.get())
                    : LeadLifecycle.decide(before, change));
        }
    }

    private void apply(LeadInput input) {
        LeadState before = leads.get(input.key());
        apply(input.key(), before, LeadLifecycle.decide(before, input, rules(input.tenant())));
    }

    private TenantConfig.LeadsConfig rules(String tenant) {
        return config.tenant(tenant).map(TenantConfig::leads).orElseGet(TenantConfig.LeadsConfig::defaults);
    }

    private void assign(ContactKey key, LeadAssignment assignment) {
        LeadState before = leads.get(key);
        LeadLifecycle.Decision decision = LeadLifecycle.decide(before, assignment);
        if (decision.events().isEmpty()) {
            // the lead closed (or was replaced) meanwhile, or its owner already has it: give the slot back
            if (assignment.getOwner() != null) {
                route(RoutingPlan.release(assignment.getTenant(), assignment.getTeam(), assignment.getOwner(), assignment.getLeadId(),
                        assignment.getContact(), assignment.getCommandId() + "/release-unused", assignment.getAt()));
            }
            return;
        }
        apply(key, before, decision);
        if (before.getOwner() != null && !before.getOwner().equals(assignment.getOwner())) { // moved to someone else
            route(RoutingPlan.release(before.getTenant(), before.getTeam(), before.getOwner(), before.getLeadId(), before.getContact(),
                    assignment.getCommandId() + "/release-previous", assignment.getAt()));
        }
    }

    /** @param before the contact's state the decision was made on */
    private void apply(ContactKey key, LeadState before, LeadLifecycle.Decision decision) {
        if (decision.state() == null) {
            return;
        }
        String tenant = decision.state().getTenant();
        SlaClocks.Tracked tracked = SlaClocks.track(before, decision.state(), decision.events(), policies(tenant),
                () -> roster(tenant), zone(tenant));
        LeadState state = tracked.state();
        leads.put(key, state);
        count(before, state);
        Optional<Instant> due = SlaClocks.nextDue(state);
        if (!due.equals(SlaClocks.nextDue(before))) { // most records move no clock: spare the timer store a read
            timers.schedule(timerId(key), due.map(Instant::toEpochMilli));
        }
        List<RoutingCommand> routing = new ArrayList<>();
        for (LeadEvent event : decision.events()) {
            if (event.getSequence() == 1) {
                leadIds.put(event.getLeadId(), key);
            }
            Record<Object, Object> happened = new Record<>(key, event, event.getOccurredAt().toEpochMilli());
            context.forward(happened, eventsChild);
            for (String follower : eventFollowers) { // attribution and funnel, in this task and transaction
                context.forward(happened, follower);
            }
            metrics.record(event, state);
            routeAfter(event, before, decision, routing);
        }
        tracked.alerts().forEach(alert -> alert(key, alert));
        // after this decision's events: an assignment is the lead's next event, never one in the middle of them
        routing.forEach(this::route);
    }

    /** Fires the SLA steps of every lead due by {@code upTo} (at most a tick's worth; the next call goes on). */
    private void fireDue(long upTo) {
        for (String id : timers.due(upTo, timing.maxFiredPerTick())) {
            ContactKey key = contactOf(id);
            LeadState lead = leads.get(key);
            if (lead == null) {
                timers.schedule(id, Optional.empty());
                continue;
            }
            String tenant = lead.getTenant();
            SlaClocks.Fired fired = SlaClocks.fire(lead, Instant.ofEpochMilli(upTo), policies(tenant),
                    roster(tenant), zone(tenant));
            count(lead, fired.state());
            apply(key, fired.state(), LeadLifecycle.record(fired.state(), fired.events()));
            timers.schedule(id, SlaClocks.nextDue(fired.state()).map(Instant::toEpochMilli)); // on to the lead's next step
            fired.alerts().forEach(alert -> alert(key, alert));
            fired.commands().forEach(this::route);
        }
    }

    /** Moves the lead between the open-lead counts of its SLA states (a new, a closed lead: in or out). */
    private void count(LeadState before, LeadState after) {
        String was = SlaMetrics.stateOf(before);
        String is = SlaMetrics.stateOf(after);
        boolean sameLead = before != null && before.getLeadId().equals(after.getLeadId());
        if (sameLead && java.util.Objects.equals(was, is)) {
            return;
        }
        if (was != null) {
            add(before.getTenant() + "|" + was, -1);
        }
        if (is != null) {
            add(after.getTenant() + "|" + is, 1);
        }
        metrics.openLeads(task, openLeads);
    }

    private void add(String tenantState, long delta) {
        long count = openLeads.getOrDefault(tenantState, 0L) + delta;
        openLeads.put(tenantState, count);
        counts.put(tenantState, count);
    }

    private void alert(ContactKey key, Alert alert) {
        context.forward(new Record<>(key, alert, alert.getAt().toEpochMilli()), alertsChild);
    }

    private SlaPolicies policies(String tenant) {
        return slaPolicies.computeIfAbsent(tenant, t -> new SlaPolicies(
                config.tenant(t).map(TenantConfig::sla).orElseGet(SlaConfig::defaults), zone(t)));
    }

    private ZoneId zone(String tenant) {
        return config.tenant(tenant).map(TenantConfig::zone).orElse(ZoneId.of("UTC"));
    }

    /** Timers are per contact (one open lead each): tenant and contact, which holds no NUL. */
    private static String timerId(ContactKey key) {
        return key.getTenant() + '\0' + key.getContact();
    }

    private static ContactKey contactOf(String timerId) {
        int split = timerId.indexOf('\0');
        return new ContactKey(timerId.substring(0, split), timerId.substring(split + 1));
    }

    /** What routing must hear of an event: a new lead to place, an answer that hands it over, a slot to free. */
    private void routeAfter(LeadEvent event, LeadState before, LeadLifecycle.Decision decision, List<RoutingCommand> routing) {
        LeadState lead = decision.state();
        boolean sameLead = lead.getLeadId().equals(event.getLeadId());
        if (event.getPayload() instanceof LeadCreated created) {
            routing.add(RoutingPlan.route(lead, created.getAnsweredBy(), commandId(event, "route"), roster(lead.getTenant()),
                    event.getOccurredAt()));
        } else if (event.getPayload() instanceof LeadResponded responded && sameLead && !openedBy(decision, lead.getLeadId())
                && responded.getEvidence() == ResponseEvidence.INBOUND_ANSWERED) {
            // answered after the lead was placed (e.g. the tracker reported the call first): the answerer takes it
            RoutingPlan.answeredBy(lead, responded.getBy(), commandId(event, "answered"), roster(lead.getTenant()), event.getOccurredAt())
                    .ifPresent(routing::add);
        } else if (event.getPayload() instanceof LeadClosed && before != null && before.getLeadId().equals(event.getLeadId())
                && before.getOwner() != null) {
            routing.add(RoutingPlan.release(before.getTenant(), before.getTeam(), before.getOwner(), before.getLeadId(), before.getContact(),
                    commandId(event, "release-closed"), event.getOccurredAt()));
        }
    }

    /**
     * Named after the lead and the input behind the event, not the event's sequence number: when an assignment comes
     * back relative to the lead's next touch depends on timing, and a replay must still send the same commands.
     */
    private static String commandId(LeadEvent event, String what) {
        return event.getLeadId() + "/" + event.getCauseId() + "/" + what;
    }

    private static boolean openedBy(LeadLifecycle.Decision decision, String leadId) {
        return decision.events().stream().anyMatch(e -> e.getPayload() instanceof LeadCreated && e.getLeadId().equals(leadId));
    }

    private Roster roster(String tenant) {
        return rosters.of(tenant, zone(tenant));
    }

    /**
     * Places, hands over or releases, here and now: the team's router decides over the team as this task sees it, this
     * task's share of the team takes the change (published to the ledger with it), and an assignment becomes the lead's
     * next event.
     */
    private void route(RoutingCommand command) {
        TeamKey team = new TeamKey(command.getTenant(), command.getTeam());
        TeamLoad before = teams.team(team);
        TeamRouter.Outcome outcome = TeamRouter.apply(before, command, roster(command.getTenant()));
        KeyValue<TeamShareKey, TeamLoad> share = teams.apply(team, before, outcome.load());
        long time = command.getAt().toEpochMilli();
        if (share != null) {
            context.forward(new Record<>(share.key, share.value, time), ledgerChild);
        }
        ContactKey contact = new ContactKey(command.getTenant(), command.getContact());
        if (outcome.alert() != null) {
            alert(contact, outcome.alert());
        }
        if (outcome.assignment() != null) {
            assign(contact, outcome.assignment());
        }
    }
}
