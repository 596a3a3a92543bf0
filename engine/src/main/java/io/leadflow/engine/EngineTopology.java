package io.leadflow.engine;

import io.leadflow.attribution.AttributionTopology;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.funnel.FunnelTopology;
import io.leadflow.intake.IntakeTopology;
import io.leadflow.lead.LeadTopology;
import io.leadflow.routing.RoutingTopology;
import io.leadflow.sla.SlaMetrics;
import io.leadflow.sla.SlaTiming;
import io.leadflow.topics.Topics;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;

import java.time.Duration;
import java.util.Map;

/** The whole engine as one Kafka Streams topology: intake, routing, the lead lifecycle with its SLAs, attribution. Tests call {@link #build}. */
public final class EngineTopology {
    /** Vendors retry within hours, but CallTouch records and reconciliation pulls can be days late: remember a week. */
    public static final Duration DEFAULT_DEDUPE_WINDOW = Duration.ofDays(7);

    private EngineTopology() {
    }

    /** @param streamsProperties the engine's Kafka Streams configuration, which the topology's own config derives from */
    public static Topology build(Topics topics, LeadflowConfig config, Map<String, Object> streamsProperties) {
        return build(topics, config, streamsProperties, SlaMetrics.unpublished());
    }

    /** @param metrics where the SLA's numbers go (the process's Prometheus registry) */
    public static Topology build(Topics topics, LeadflowConfig config, Map<String, Object> streamsProperties, SlaMetrics metrics) {
        Topology topology = new Topology(new TopologyConfig(new StreamsConfig(streamsProperties)));
        IntakeTopology.addTo(topology, topics, config, DEFAULT_DEDUPE_WINDOW);
        RoutingTopology.addTo(topology, topics, config);
        LeadTopology.addTo(topology, topics, config, SlaTiming.DEFAULT, metrics);
        AttributionTopology.addTo(topology, topics, config);
        FunnelTopology.addTo(topology, topics, config, AttributionTopology.SOURCE);
        return topology;
    }
}
