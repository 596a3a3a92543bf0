package io.leadflow.lead;

import io.leadflow.config.LeadflowConfig;
import io.leadflow.topics.Topics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/** The lead sub-topology: canonical calls and touches → {@link LeadLifecycleProcessor} → lead events + lead state. */
public final class LeadTopology {
    public static final String CALLS_SOURCE = "lead-calls-source";
    public static final String TOUCHES_SOURCE = "lead-touches-source";
    public static final String LIFECYCLE = "lead-lifecycle";
    public static final String STATE_STORE = "lead-state-store";
    /** Lead id → contact, beside the lead's state: answers "which contact is lead X" on the instance that holds X. */
    public static final String LEAD_ID_STORE = "lead-id-index-store";
    public static final String EVENTS_SINK = "lead-events-sink";
    public static final String STATE_SINK = "lead-state-sink";

    private LeadTopology() {
    }

    public static void addTo(Topology topology, Topics topics, LeadflowConfig config) {
        var calls = topics.calls();
        var touches = topics.touches();
        var events = topics.leadEvents();
        var state = topics.leadState();
        topology.addSource(CALLS_SOURCE, calls.keySerde().deserializer(), calls.valueSerde().deserializer(), calls.name());
        topology.addSource(TOUCHES_SOURCE, touches.keySerde().deserializer(), touches.valueSerde().deserializer(), touches.name());
        topology.addProcessor(LIFECYCLE, () -> new LeadLifecycleProcessor(config, STATE_STORE, LEAD_ID_STORE, EVENTS_SINK, STATE_SINK),
                CALLS_SOURCE, TOUCHES_SOURCE);
        topology.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(LEAD_ID_STORE), Serdes.String(), state.keySerde()), LIFECYCLE);
        topology.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(STATE_STORE), state.keySerde(), state.valueSerde()), LIFECYCLE);
        topology.addSink(EVENTS_SINK, events.name(), events.keySerde().serializer(), events.valueSerde().serializer(), LIFECYCLE);
        topology.addSink(STATE_SINK, state.name(), state.keySerde().serializer(), state.valueSerde().serializer(), LIFECYCLE);
    }
}
