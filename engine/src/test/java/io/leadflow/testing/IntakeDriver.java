package io.leadflow.testing;

import io.leadflow.avro.ContactKey;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.engine.EngineTopology;
import io.leadflow.intake.IntakeTopology;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The engine's intake alone in a test driver: raw envelopes in; out, what it hands on to the contacts' leads (in the
 * lead task, directly or through {@code leadflow.contact-events}) and the dead letters.
 */
public final class IntakeDriver implements AutoCloseable {
    private static final String LEAD = "test-lead";
    private final List<KeyValue<ContactKey, Object>> handedOn = new ArrayList<>();
    private final EngineDriver engine;

    public IntakeDriver(String scope, LeadflowConfig config, Path stateDir) {
        engine = new EngineDriver(scope, stateDir, Instant.now(), (topics, streams) -> {
            Topology topology = new Topology(new TopologyConfig(new StreamsConfig(streams)));
            IntakeTopology.addTo(topology, topics, config, EngineTopology.DEFAULT_DEDUPE_WINDOW, LEAD);
            topology.addProcessor(LEAD, () -> (Processor<ContactKey, Object, Void, Void>) (Record<ContactKey, Object> record) ->
                    handedOn.add(KeyValue.pair(record.key(), record.value())), IntakeTopology.NORMALIZE, IntakeTopology.RE_KEYED);
            return topology;
        });
    }

    public EngineDriver engine() {
        return engine;
    }

    /** What reached the leads since the last call, in order. */
    public List<KeyValue<ContactKey, Object>> handedOn() {
        List<KeyValue<ContactKey, Object>> all = List.copyOf(handedOn);
        handedOn.clear();
        return all;
    }

    /** The events of one type that reached the leads since the last call, in order. */
    public <T> List<KeyValue<ContactKey, T>> handedOn(Class<T> type) {
        return handedOn().stream().filter(kv -> type.isInstance(kv.value)).map(kv -> KeyValue.pair(kv.key, type.cast(kv.value))).toList();
    }

    @Override
    public void close() {
        engine.close();
    }
}
