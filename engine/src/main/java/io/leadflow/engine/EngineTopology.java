package io.leadflow.engine;

import io.leadflow.attribution.AttributionTopology;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.funnel.FunnelTopology;
import io.leadflow.intake.IntakeTopology;
import io.leadflow.lead.LeadTopology;
import io.leadflow.routing.RosterStore;
import io.leadflow.routing.RoutingTopology;
import io.leadflow.sla.SlaMetrics;
import io.leadflow.sla.SlaTiming;
import io.leadflow.topics.Topics;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The whole engine as one Kafka Streams topology: intake, routing, the lead lifecycle with its SLAs, attribution, funnel. Tests call {@link #build}. */
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
        requireLeadIdSecrets(config);
        Topology topology = new Topology(new TopologyConfig(new StreamsConfig(streamsProperties)));
        RosterStore.Changes rosterChanges = new RosterStore.Changes();
        // one sub-topology from raw event to lead, owner and SLA clock, attribution and funnel progress (one transaction);
        // the slices' sums are added up behind it, keyed by slice
        IntakeTopology.addTo(topology, topics, config, DEFAULT_DEDUPE_WINDOW, LeadTopology.LIFECYCLE);
        RoutingTopology.addTo(topology, topics, rosterChanges);
        LeadTopology.addTo(topology, topics, config, SlaTiming.DEFAULT, metrics, rosterChanges, IntakeTopology.NORMALIZE,
                IntakeTopology.RE_KEYED);
        AttributionTopology.addTo(topology, topics, config, LeadTopology.LIFECYCLE);
        FunnelTopology.addTo(topology, topics, config, LeadTopology.LIFECYCLE);
        return topology;
    }

    /** Lead ids are keyed per tenant ({@code LeadIds}): an engine that could not key them must not start. */
    static void requireLeadIdSecrets(LeadflowConfig config) {
        List<String> without = config.tenants().entrySet().stream()
                .filter(tenant -> tenant.getValue().leads().idSecret() == null)
                .map(Map.Entry::getKey).sorted().toList();
        if (!without.isEmpty()) {
            throw new IllegalArgumentException("Tenant(s) " + String.join(", ", without) + " have no leads.idSecret (nor attribution.hashSecret):"
                    + " lead ids are keyed with it so that no one can compute them from a phone number; set it, e.g. from an"
                    + " environment variable: leads: {idSecret: ${LEADFLOW_<TENANT>_LEAD_ID_SECRET}}");
        }
    }
}
