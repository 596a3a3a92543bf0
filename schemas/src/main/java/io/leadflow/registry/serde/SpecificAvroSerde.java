package io.leadflow.registry.serde;

import io.leadflow.registry.client.SchemaRegistryClient;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.util.Map;

/** {@link SpecificAvroSerializer} and {@link SpecificAvroDeserializer} as one Kafka {@link Serde}. */
public final class SpecificAvroSerde<T extends SpecificRecord> implements Serde<T> {
    private final SpecificAvroSerializer<T> serializer;
    private final SpecificAvroDeserializer<T> deserializer;

    /** @param registry shared client; null to build one from the configs given to {@link #configure} */
    public SpecificAvroSerde(Class<T> type, SchemaRegistryClient registry) {
        this.serializer = new SpecificAvroSerializer<>(type, registry);
        this.deserializer = new SpecificAvroDeserializer<>(type, registry);
    }

    public SpecificAvroSerde(Class<T> type) {
        this(type, null);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        serializer.configure(configs, isKey);
        deserializer.configure(configs, isKey);
    }

    /** {@link SpecificAvroSerializer#register}. */
    public void register(String topic) {
        serializer.register(topic);
    }

    @Override
    public Serializer<T> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<T> deserializer() {
        return deserializer;
    }
}
