package io.leadflow.sla;

import io.leadflow.avro.LeadEvent;
import io.leadflow.avro.LeadResponded;
import io.leadflow.avro.LeadState;
import io.leadflow.avro.LeadStatus;
import io.leadflow.avro.SlaAction;
import io.leadflow.avro.SlaBreached;
import io.leadflow.avro.SlaClock;
import io.leadflow.avro.SlaEscalated;
import io.leadflow.avro.SlaWarning;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The SLA's numbers for Prometheus: how long first responses took ({@code leadflow_lead_response_seconds}, a
 * histogram with buckets at the usual targets), warnings, breaches and reassignments by tenant, team, owner and
 * policy ({@code leadflow_sla_warnings_total}, {@code _breaches_total}, {@code _reassignments_total}), and open leads
 * by SLA state ({@code leadflow_leads_open{sla_state="running|warned|breached|met"}}).
 * <p>
 * The open-lead counts are kept exactly, per task, in a changelogged store beside the leads (they survive restarts
 * and move with the task); this instance's gauges add up the tasks it holds, and Prometheus adds up instances. The
 * counters count events as this instance processes them: a task re-processing after a crash counts its events again,
 * which rates and increases over a scrape interval absorb.
 */
public final class SlaMetrics {
    /** The SLA states of an open lead, in order of severity. */
    public static final Set<String> STATES = Set.of("running", "warned", "breached", "met");
    private static final Duration[] RESPONSE_BUCKETS = {Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofHours(1),
            Duration.ofHours(2), Duration.ofHours(4), Duration.ofHours(8), Duration.ofHours(24), Duration.ofHours(48)};

    private final MeterRegistry registry;
    /** task → "tenant|state" → open leads: each task reports its own, the gauges add them up. */
    private final Map<String, Map<String, Long>> openByTask = new ConcurrentHashMap<>();
    private final Set<String> gauges = ConcurrentHashMap.newKeySet();

    public SlaMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Metrics nobody scrapes (tests, tools). */
    public static SlaMetrics unpublished() {
        return new SlaMetrics(new SimpleMeterRegistry());
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Counts what a lead event says about the SLA. */
    public void record(LeadEvent event, LeadState lead) {
        Object payload = event.getPayload();
        if (payload instanceof LeadResponded responded) {
            Timer.builder("leadflow.lead.response").description("Time from a lead's creation to its first response (event time)")
                    .tags("tenant", event.getTenant(), "lead_class", lead.getLeadClass().name(), "evidence", responded.getEvidence().name())
                    .serviceLevelObjectives(RESPONSE_BUCKETS).register(registry)
                    .record(Duration.ofMillis(responded.getResponseMillis()));
        } else if (payload instanceof SlaWarning warning) {
            counter("leadflow.sla.warnings", "SLA warnings sent", event, lead, warning.getPolicy()).increment();
        } else if (payload instanceof SlaBreached breached) {
            counter("leadflow.sla.breaches", "SLA deadlines missed", event, lead, breached.getPolicy()).increment();
        } else if (payload instanceof SlaEscalated escalated) {
            counter("leadflow.sla.reassignments", "Leads taken from their owner after a breach", event, lead, escalated.getPolicy())
                    .increment();
        }
    }

    /** The SLA state an open lead counts under, or null for a closed (or no) lead. */
    public static String stateOf(LeadState lead) {
        if (lead == null || lead.getStatus() != LeadStatus.OPEN) {
            return null;
        }
        boolean warned = false;
        boolean running = false;
        for (SlaClock clock : lead.getSlaClocks()) {
            if (clock.getPolicy().equals(SlaPolicies.CALLBACKS)) {
                continue;
            }
            running = true;
            for (int i = 0; i < clock.getFired(); i++) {
                SlaAction action = clock.getSteps().get(i).getAction();
                if (action == SlaAction.BREACH || action == SlaAction.REASSIGN) {
                    return "breached";
                }
                warned |= action == SlaAction.WARN;
            }
        }
        return warned ? "warned" : running ? "running" : "met";
    }

    /** A task's open-lead counts ("tenant|state" → count), as its store holds them now. */
    public void openLeads(String task, Map<String, Long> counts) {
        openByTask.put(task, Map.copyOf(counts));
        counts.keySet().forEach(this::gauge);
    }

    /** The task moved away or closed: its leads are counted where it runs now. */
    public void forget(String task) {
        openByTask.remove(task);
    }

    private void gauge(String tenantState) {
        if (gauges.add(tenantState)) {
            int split = tenantState.lastIndexOf('|');
            Gauge.builder("leadflow.leads.open", () -> openByTask.values().stream().mapToLong(m -> m.getOrDefault(tenantState, 0L)).sum())
                    .description("Open leads by SLA state, on the tasks of this instance")
                    .tags("tenant", tenantState.substring(0, split), "sla_state", tenantState.substring(split + 1))
                    .register(registry);
        }
    }

    private Counter counter(String name, String description, LeadEvent event, LeadState lead, String policy) {
        return Counter.builder(name).description(description)
                .tags("tenant", event.getTenant(), "policy", policy, "team", orDash(lead.getTeam()), "owner", orDash(lead.getOwner()))
                .register(registry);
    }

    private static String orDash(String value) {
        return value == null ? "-" : value;
    }
}
