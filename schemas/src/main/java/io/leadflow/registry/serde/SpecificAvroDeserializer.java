package io.leadflow.registry.serde;

import io.leadflow.registry.client.SchemaRegistryClient;
import io.leadflow.registry.client.SchemaRegistryClients;
import org.apache.avro.Schema;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads the Confluent wire format into a SpecificRecord: the writer schema comes from the registry by
 * the id in the header, and Avro resolves it into the class's own schema, so data written with an
 * older (or newer, compatible) schema still reads.
 */
public final class SpecificAvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {
    private final Class<T> type;
    private final SpecificData model;
    private final Schema readerSchema;
    private final Map<Integer, SpecificDatumReader<T>> readersByWriterId = new ConcurrentHashMap<>();
    private SchemaRegistryClient registry;

    public SpecificAvroDeserializer(Class<T> type, SchemaRegistryClient registry) {
        this.type = type;
        this.registry = registry;
        this.model = SpecificData.getForClass(type);
        this.readerSchema = model.getSchema(type);
    }

    public SpecificAvroDeserializer(Class<T> type) {
        this(type, null);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        if (registry == null) {
            registry = SchemaRegistryClients.fromConfig(configs);
        }
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        int id = WireFormat.schemaId(data);
        try {
            SpecificDatumReader<T> reader = readersByWriterId.computeIfAbsent(id,
                    writerId -> new SpecificDatumReader<>(registry.getSchemaById(writerId), readerSchema, model));
            return reader.read(null, DecoderFactory.get().binaryDecoder(data, WireFormat.HEADER_SIZE,
                    data.length - WireFormat.HEADER_SIZE, null));
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Cannot read " + type.getSimpleName() + " written with schema id " + id
                    + " from topic " + topic + ": " + e.getMessage(), e);
        }
    }
}
