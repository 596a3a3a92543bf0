package io.leadflow.routing;

import io.leadflow.avro.TeamLoad;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.topics.Topics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * Routing: the roster as a global store every processor can read, and the team routers behind the
 * {@code leadflow.routing-commands} repartition topic; their decisions go to {@code leadflow.lead-assignments}
 * (read back by the lead lifecycle) and {@code leadflow.alerts}.
 */
public final class RoutingTopology {
    public static final String ROSTER_SOURCE = "routing-roster-source";
    public static final String ROSTER_LOADER = "routing-roster-loader";
    public static final String COMMANDS_SOURCE = "routing-commands-source";
    public static final String TEAM_ROUTER = "routing-team-router";
    public static final String TEAM_STORE = "routing-team-store";
    public static final String ASSIGNMENTS_SINK = "routing-assignments-sink";
    public static final String ALERTS_SINK = "routing-alerts-sink";

    private RoutingTopology() {
    }

    public static void addTo(Topology topology, Topics topics, LeadflowConfig config) {
        var roster = topics.roster();
        // a global store is restored from its topic, so it keeps no changelog of its own
        topology.addGlobalStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(RosterStore.NAME), Serdes.String(),
                        roster.valueSerde()).withLoggingDisabled(),
                ROSTER_SOURCE, roster.keySerde().deserializer(), roster.valueSerde().deserializer(), roster.name(),
                ROSTER_LOADER, RosterStore.Loader::new);

        var commands = topics.routingCommands();
        var assignments = topics.leadAssignments();
        var alerts = topics.alerts();
        topology.addSource(COMMANDS_SOURCE, commands.keySerde().deserializer(), commands.valueSerde().deserializer(), commands.name());
        topology.addProcessor(TEAM_ROUTER, () -> new TeamRoutingProcessor(config), COMMANDS_SOURCE);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TEAM_STORE),
                commands.keySerde(), topics.storeValueSerde(TeamLoad.class)), TEAM_ROUTER);
        topology.addSink(ASSIGNMENTS_SINK, assignments.name(), assignments.keySerde().serializer(), assignments.valueSerde().serializer(),
                TEAM_ROUTER);
        topology.addSink(ALERTS_SINK, alerts.name(), alerts.keySerde().serializer(), alerts.valueSerde().serializer(), TEAM_ROUTER);
    }
}
