package io.leadflow.routing;

import io.leadflow.topics.Topics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * Routing's shared state, as global stores every lead task reads: the roster, and the team ledger (each lead task's
 * share of each team's load and rotation, {@link TeamShares}). Leads are routed in their own task, where they live.
 */
public final class RoutingTopology {
    public static final String ROSTER_SOURCE = "routing-roster-source";
    public static final String ROSTER_LOADER = "routing-roster-loader";
    public static final String LEDGER_SOURCE = "routing-team-ledger-source";
    public static final String LEDGER_LOADER = "routing-team-ledger-loader";

    private RoutingTopology() {
    }

    /** @param rosterChanges told of every roster change, so that the lead tasks' decoded rosters are refreshed */
    public static void addTo(Topology topology, Topics topics, RosterStore.Changes rosterChanges) {
        var roster = topics.roster();
        // a global store is restored from its topic, so it keeps no changelog of its own
        topology.addGlobalStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(RosterStore.NAME), Serdes.String(),
                        roster.valueSerde()).withLoggingDisabled(),
                ROSTER_SOURCE, roster.keySerde().deserializer(), roster.valueSerde().deserializer(), roster.name(),
                ROSTER_LOADER, () -> new RosterStore.Loader(rosterChanges));
        var ledger = topics.teamLedger();
        // a few entries per team and partition: in memory, rebuilt from the compacted topic at start
        topology.addGlobalStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(TeamShares.LEDGER_STORE), Serdes.String(),
                        ledger.valueSerde()).withLoggingDisabled(),
                LEDGER_SOURCE, ledger.keySerde().deserializer(), ledger.valueSerde().deserializer(), ledger.name(),
                LEDGER_LOADER, TeamShares.Loader::new);
    }
}
