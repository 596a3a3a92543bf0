package io.leadflow.engine;

import io.leadflow.config.LeadflowConfig;
import io.leadflow.intake.IntakeTopology;
import io.leadflow.lead.LeadTopology;
import io.leadflow.topics.Topics;
import org.apache.kafka.streams.Topology;

import java.time.Duration;

/** The whole engine as one Kafka Streams topology: intake, then the lead lifecycle. Tests call {@link #build}. */
public final class EngineTopology {
    /** Vendors that retry do so within hours; a day of remembered event ids covers them with margin. */
    public static final Duration DEFAULT_DEDUPE_WINDOW = Duration.ofDays(1);

    private EngineTopology() {
    }

    public static Topology build(Topics topics, LeadflowConfig config) {
        return build(topics, config, DEFAULT_DEDUPE_WINDOW);
    }

    public static Topology build(Topics topics, LeadflowConfig config, Duration dedupeWindow) {
        Topology topology = new Topology();
        IntakeTopology.addTo(topology, topics, config, dedupeWindow);
        LeadTopology.addTo(topology, topics);
        return topology;
    }
}
