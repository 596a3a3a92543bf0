package io.leadflow.testing;

import io.leadflow.avro.RosterEntry;
import io.leadflow.avro.RosterKey;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.engine.EngineSettings;
import io.leadflow.engine.EngineTopology;
import io.leadflow.registry.client.SchemaRegistryClients;
import io.leadflow.routing.RosterEntries;
import io.leadflow.sla.SlaMetrics;
import io.leadflow.topics.Topic;
import io.leadflow.topics.Topics;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;

/**
 * The whole engine topology in a {@link TopologyTestDriver}, with the production settings, an in-memory registry
 * and the configuration's roster.
 */
public final class EngineDriver implements AutoCloseable {
    private final String scope;
    private final Topics topics;
    private final TopologyTestDriver driver;

    public EngineDriver(String scope, LeadflowConfig config, Path stateDir) {
        this(scope, config, stateDir, Instant.now());
    }

    /** @param wallClock where the driver's wall clock starts ({@code advanceWallClockTime} moves it on) */
    public EngineDriver(String scope, LeadflowConfig config, Path stateDir, Instant wallClock) {
        this(scope, config, stateDir, wallClock, SlaMetrics.unpublished());
    }

    /** @param metrics where the SLA's numbers go, for tests that read them */
    public EngineDriver(String scope, LeadflowConfig config, Path stateDir, Instant wallClock, SlaMetrics metrics) {
        this.scope = scope;
        Map<String, String> registry = Map.of("schema.registry.url", "mock://" + scope);
        topics = new Topics(SchemaRegistryClients.fromConfig(registry), registry);
        EngineSettings settings = new EngineSettings(scope, "unused:9092", registry, stateDir, 1, 1, 0, null, null);
        Properties props = new Properties();
        props.putAll(settings.streamsProperties());
        driver = new TopologyTestDriver(EngineTopology.build(topics, config, settings.streamsProperties(), metrics), props, wallClock);
        // as the engine does at start-up: the configured roster is on its topic before the first lead
        TestInputTopic<RosterKey, RosterEntry> roster = input(topics.roster());
        config.tenants().forEach((tenant, tenantConfig) ->
                RosterEntries.of(tenant, tenantConfig, Instant.EPOCH).forEach(e -> roster.pipeInput(RosterEntries.key(e), e, Instant.EPOCH)));
    }

    public Topics topics() {
        return topics;
    }

    public TopologyTestDriver driver() {
        return driver;
    }

    public <K, V> TestInputTopic<K, V> input(Topic<K, V> topic) {
        return driver.createInputTopic(topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer());
    }

    public <K, V> TestOutputTopic<K, V> output(Topic<K, V> topic) {
        return driver.createOutputTopic(topic.name(), topic.keySerde().deserializer(), topic.valueSerde().deserializer());
    }

    @Override
    public void close() {
        driver.close();
        SchemaRegistryClients.dropScope(scope);
    }
}
