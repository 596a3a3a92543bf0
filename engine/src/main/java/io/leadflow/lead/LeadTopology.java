package io.leadflow.lead;

import io.leadflow.avro.LeadState;
import io.leadflow.avro.TeamLoad;
import io.leadflow.attribution.AttributionTopology;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.funnel.FunnelTopology;
import io.leadflow.routing.RosterStore;
import io.leadflow.topics.Topics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;
import io.leadflow.sla.SlaMetrics;
import io.leadflow.sla.SlaTiming;
import io.leadflow.sla.TimerIndex;

/**
 * The lead task: canonical calls, touches and CRM stage changes (from intake, in the same task) → {@link LeadLifecycleProcessor},
 * which opens or touches the lead, routes it (its share of each team's load: {@code TeamShares}), keeps its SLA clock,
 * and hands its events to attribution and the funnel in the same task → lead events, alerts, the team ledger. Each
 * contact's current lead lives in the state store only (its changelog is its durable copy); what happened to it is on
 * the lead event log.
 */
public final class LeadTopology {
    public static final String LIFECYCLE = "lead-lifecycle";
    public static final String STATE_STORE = "lead-state-store";
    /** Lead id → contact, beside the lead's state: answers "which contact is lead X" on the instance that holds X. */
    public static final String LEAD_ID_STORE = "lead-id-index-store";
    /** Each lead's next SLA step, in time order (see {@code TimerIndex}). */
    public static final String TIMER_STORE = "lead-sla-timer-store";
    public static final String EVENTS_SINK = "lead-events-sink";
    /** This task's share of each team's routing state ({@code TeamShares}). */
    public static final String TEAM_SHARES_STORE = "lead-team-shares-store";
    public static final String LEDGER_SINK = "lead-team-ledger-sink";
    public static final String ALERTS_SINK = "lead-alerts-sink";

    /** Open leads per tenant and SLA state, kept with the leads so the gauges survive restarts (see {@code SlaMetrics}). */
    public static final String COUNTS_STORE = "lead-sla-counts-store";

    /**
     * The stores and children the lifecycle processor uses.
     *
     * @param eventFollowers processors that take every lead event as it happens (attribution, funnel)
     */
    public record Names(String stateStore, String leadIdStore, String timerStore, String countsStore, String teamSharesStore,
                        String events, String ledger, String alerts, java.util.List<String> eventFollowers) {
    }

    private static final Names NAMES = new Names(STATE_STORE, LEAD_ID_STORE, TIMER_STORE, COUNTS_STORE, TEAM_SHARES_STORE, EVENTS_SINK,
            LEDGER_SINK, ALERTS_SINK, java.util.List.of(AttributionTopology.ATTRIBUTE, FunnelTopology.PROGRESS));

    private LeadTopology() {
    }

    /**
     * @param inputs        the processors that hand the lifecycle its canonical events, keyed by contact (intake)
     * @param rosterChanges counts the roster's changes (the lead task keeps each tenant's roster decoded until one)
     */
    public static void addTo(Topology topology, Topics topics, LeadflowConfig config, SlaTiming timing, SlaMetrics metrics,
                             RosterStore.Changes rosterChanges, String... inputs) {
        var events = topics.leadEvents();
        topology.addProcessor(LIFECYCLE,
                () -> new LeadLifecycleProcessor(config, NAMES, timing, metrics, rosterChanges), inputs);
        topology.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(LEAD_ID_STORE), Serdes.String(), events.keySerde()), LIFECYCLE);
        // not cached, nor are the other per-lead stores: the thread's record cache is shared, and a store with a key per
        // lead fills it, so that the small cached stores (counts, shares, sums) evict — and log — on every put
        topology.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(STATE_STORE), events.keySerde(), topics.storeValueSerde(STATE_STORE, LeadState.class)),
                LIFECYCLE);
        topology.addStateStore(TimerIndex.storeBuilder(TIMER_STORE), LIFECYCLE);
        // a handful of keys written with nearly every lead: cached, each is one changelog record per commit interval
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(COUNTS_STORE), Serdes.String(), Serdes.Long())
                .withCachingEnabled(), LIFECYCLE);
        topology.addSink(EVENTS_SINK, events.name(), events.keySerde().serializer(), events.valueSerde().serializer(), LIFECYCLE);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TEAM_SHARES_STORE), Serdes.String(),
                topics.storeValueSerde(TEAM_SHARES_STORE, TeamLoad.class)).withCachingEnabled(), LIFECYCLE);
        var ledger = topics.teamLedger();
        topology.addSink(LEDGER_SINK, ledger.name(), ledger.keySerde().serializer(), ledger.valueSerde().serializer(), LIFECYCLE);
        var alerts = topics.alerts();
        topology.addSink(ALERTS_SINK, alerts.name(), alerts.keySerde().serializer(), alerts.valueSerde().serializer(), LIFECYCLE);
    }
}
