package io.leadflow.testing;

import io.leadflow.avro.CallEvent;
import io.leadflow.avro.ContactEvent;
import io.leadflow.avro.ContactKey;
import io.leadflow.avro.CrmStageChange;
import io.leadflow.avro.Touch;
import io.leadflow.avro.LeadState;
import io.leadflow.avro.RosterEntry;
import io.leadflow.avro.RosterKey;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.engine.EngineSettings;
import io.leadflow.engine.EngineTopology;
import io.leadflow.lead.LeadTopology;
import io.leadflow.registry.client.SchemaRegistryClients;
import io.leadflow.routing.RosterEntries;
import io.leadflow.sla.SlaMetrics;
import io.leadflow.topics.Topic;
import io.leadflow.topics.Topics;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.function.BiFunction;

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
        this(scope, stateDir, wallClock, (topics, streams) -> EngineTopology.build(topics, config, streams, metrics));
        // as the engine does at start-up: the configured roster is on its topic before the first lead
        TestInputTopic<RosterKey, RosterEntry> roster = input(topics.roster());
        config.tenants().forEach((tenant, tenantConfig) ->
                RosterEntries.of(tenant, tenantConfig, Instant.EPOCH).forEach(e -> roster.pipeInput(RosterEntries.key(e), e, Instant.EPOCH)));
    }

    /** @param topology a part of the engine to drive alone, built over the driver's topics and streams configuration */
    public EngineDriver(String scope, Path stateDir, Instant wallClock, BiFunction<Topics, Map<String, Object>, Topology> topology) {
        this.scope = scope;
        Map<String, String> registry = Map.of("schema.registry.url", "mock://" + scope);
        topics = new Topics(SchemaRegistryClients.fromConfig(registry), registry);
        EngineSettings settings = new EngineSettings(scope, "unused:9092", registry, stateDir, 1, 1, 0, null, null);
        Properties props = new Properties();
        props.putAll(settings.streamsProperties());
        driver = new TopologyTestDriver(topology.apply(topics, settings.streamsProperties()), props, wallClock);
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

    /** Canonical calls into the lead task, as intake hands them on. */
    public CanonicalInput<CallEvent> calls() {
        return new CanonicalInput<>(input(topics.contactEvents()));
    }

    /** Canonical touches (tracked calls, forms) into the lead task, as intake hands them on. */
    public CanonicalInput<Touch> touches() {
        return new CanonicalInput<>(input(topics.contactEvents()));
    }

    /**
     * CRM stage changes into the lead task, as intake hands them on: by the contact they name (intake drops the ones that
     * name none; the CRM enricher stores them again with their contact).
     */
    public void crmStageChange(CrmStageChange change, Instant at) {
        if (change.getContact() != null) {
            input(topics.contactEvents()).pipeInput(new ContactKey(change.getTenant(), change.getContact()), new ContactEvent(change), at);
        }
    }

    /** The contact's current lead, as the lead task keeps it. */
    public LeadState leadState(ContactKey contact) {
        KeyValueStore<ContactKey, LeadState> leads = driver.getKeyValueStore(LeadTopology.STATE_STORE);
        return leads.get(contact);
    }

    @Override
    public void close() {
        driver.close();
        SchemaRegistryClients.dropScope(scope);
    }
}
