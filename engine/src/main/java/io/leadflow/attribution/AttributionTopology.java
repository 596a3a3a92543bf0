package io.leadflow.attribution;

import io.leadflow.avro.ChannelDelta;
import io.leadflow.avro.ChannelPerformance;
import io.leadflow.avro.TouchHistory;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.topics.Topics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * Attribution: lead events → {@link AttributionProcessor} (touch history per contact) →
 * leadflow.attribution, and each revision's changes per channel slice → leadflow.channel-deltas (by slice) →
 * {@link ChannelAggregator} → leadflow.channel-performance.
 */
public final class AttributionTopology {
    public static final String SOURCE = "attribution-lead-events-source";
    public static final String ATTRIBUTE = "attribution-attribute";
    public static final String HISTORY_STORE = "attribution-touch-history-store";
    public static final String SINK = "attribution-sink";
    public static final String DELTAS_SINK = "attribution-channel-deltas-sink";
    public static final String PENDING_STORE = "attribution-pending-channel-deltas-store";
    public static final String DELTAS_SOURCE = "channel-deltas-source";
    public static final String AGGREGATE = "channel-aggregate";
    public static final String FIGURES_STORE = "channel-performance-store";
    public static final String CONTACTS_STORE = "channel-contacts-store";
    public static final String PERFORMANCE_SINK = "channel-performance-sink";

    private AttributionTopology() {
    }

    /**
     * Live attribution, in the lead task: fed the lead events by their processor {@code leadEvents} as they happen (not
     * read back from the lead event log: one exactly-once hop fewer, and no second copy of every event deserialized).
     */
    public static void addTo(Topology topology, Topics topics, LeadflowConfig config, String leadEvents) {
        addTo(topology, topics, topics.attributionOutputs(null), config, Replay.LIVE, leadEvents);
    }

    /**
     * What a run attributes: every model and every lead (live), or, re-attributing history, some models and the leads
     * opened since a point in time (the touches before it still count).
     */
    public record Replay(java.util.Set<AttributionModel> models, java.time.Instant leadsFrom) {
        public static final Replay LIVE = new Replay(java.util.EnumSet.allOf(AttributionModel.class), null);
    }

    /** A standalone topology re-attributing the lead event log into {@code outputs} (see {@code leadflow reattribute}). */
    public static Topology replay(Topics topics, Topics.AttributionOutputs outputs, LeadflowConfig config, Replay replay,
                                  java.util.Map<String, Object> streamsProperties) {
        Topology topology = new Topology(new org.apache.kafka.streams.TopologyConfig(new org.apache.kafka.streams.StreamsConfig(streamsProperties)));
        var events = topics.leadEvents();
        topology.addSource(SOURCE, events.keySerde().deserializer(), events.valueSerde().deserializer(), events.name());
        addTo(topology, topics, outputs, config, replay, SOURCE);
        return topology;
    }

    private static void addTo(Topology topology, Topics topics, Topics.AttributionOutputs outputs, LeadflowConfig config, Replay replay,
                              String leadEvents) {
        var events = topics.leadEvents();
        var attribution = outputs.attribution();
        topology.addProcessor(ATTRIBUTE, () -> new AttributionProcessor(config, replay, HISTORY_STORE, SINK, DELTAS_SINK, PENDING_STORE),
                leadEvents);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(HISTORY_STORE), events.keySerde(),
                topics.storeValueSerde(HISTORY_STORE, TouchHistory.class)), ATTRIBUTE);
        topology.addSink(SINK, attribution.name(), attribution.keySerde().serializer(), attribution.valueSerde().serializer(), ATTRIBUTE);
        var deltas = outputs.channelDeltas();
        // the sums of a commit interval, per slice: in memory (restored from its changelog), cached like the funnel's
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(PENDING_STORE), deltas.keySerde(),
                topics.storeValueSerde(PENDING_STORE, ChannelDelta.class)).withCachingEnabled(), ATTRIBUTE);
        topology.addSink(DELTAS_SINK, deltas.name(), deltas.keySerde().serializer(), deltas.valueSerde().serializer(), ATTRIBUTE);

        var performance = outputs.channelPerformance();
        topology.addSource(DELTAS_SOURCE, deltas.keySerde().deserializer(), deltas.valueSerde().deserializer(), deltas.name());
        topology.addProcessor(AGGREGATE, () -> new ChannelAggregator(FIGURES_STORE, CONTACTS_STORE), DELTAS_SOURCE);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(FIGURES_STORE), deltas.keySerde(),
                topics.storeValueSerde(FIGURES_STORE, ChannelPerformance.class)), AGGREGATE);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CONTACTS_STORE), Serdes.String(),
                Serdes.Integer()), AGGREGATE);
        topology.addSink(PERFORMANCE_SINK, performance.name(), performance.keySerde().serializer(), performance.valueSerde().serializer(),
                AGGREGATE);
    }
}
