package io.leadflow.funnel;

import io.leadflow.avro.FunnelFigures;
import io.leadflow.avro.FunnelLead;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.topics.Topics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The funnel: lead events → {@link FunnelProcessor} (each lead's way through its funnel) → what the events
 * change per slice, summed per commit interval → leadflow.funnel-deltas (by slice) → {@link FunnelAggregator} →
 * leadflow.funnel-performance.
 */
public final class FunnelTopology {
    public static final String PROGRESS = "funnel-progress";
    public static final String LEADS_STORE = "funnel-leads-store";
    public static final String PENDING_STORE = "funnel-pending-deltas-store";
    public static final String DELTAS_SINK = "funnel-deltas-sink";
    public static final String DELTAS_SOURCE = "funnel-deltas-source";
    public static final String AGGREGATE = "funnel-aggregate";
    public static final String FIGURES_STORE = "funnel-figures-store";
    public static final String PERFORMANCE_SINK = "funnel-performance-sink";

    private FunnelTopology() {
    }

    /** @param leadEvents the node that hands the lead events on as they happen (the lead task's lifecycle processor) */
    public static void addTo(Topology topology, Topics topics, LeadflowConfig config, String leadEvents) {
        var deltas = topics.funnelDeltas();
        var performance = topics.funnelPerformance();
        topology.addProcessor(PROGRESS, () -> new FunnelProcessor(config, LEADS_STORE, PENDING_STORE), leadEvents);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(LEADS_STORE), Serdes.String(),
                topics.storeValueSerde(LEADS_STORE, FunnelLead.class)), PROGRESS);
        // a few hundred sums at most, cleared every commit interval: in memory (restored from its changelog), and
        // cached, so that the changelog gets each slice's sum once per commit rather than every change to it
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(PENDING_STORE), deltas.keySerde(),
                topics.storeValueSerde(PENDING_STORE, FunnelFigures.class)).withCachingEnabled(), PROGRESS);
        topology.addSink(DELTAS_SINK, deltas.name(), deltas.keySerde().serializer(), deltas.valueSerde().serializer(), PROGRESS);

        topology.addSource(DELTAS_SOURCE, deltas.keySerde().deserializer(), deltas.valueSerde().deserializer(), deltas.name());
        topology.addProcessor(AGGREGATE, () -> new FunnelAggregator(FIGURES_STORE), DELTAS_SOURCE);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(FIGURES_STORE), deltas.keySerde(),
                topics.storeValueSerde(FIGURES_STORE, FunnelFigures.class)).withCachingEnabled(), AGGREGATE);
        topology.addSink(PERFORMANCE_SINK, performance.name(), performance.keySerde().serializer(), performance.valueSerde().serializer(),
                AGGREGATE);
    }
}
