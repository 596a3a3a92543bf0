package io.leadflow.registry.serde;

import io.leadflow.registry.client.SchemaRegistryClient;
import io.leadflow.registry.client.SchemaRegistryClients;
import io.leadflow.registry.client.SchemaRegistryException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Writes SpecificRecords in the Confluent wire format, registering (or looking up) their schema once per subject. */
public final class SpecificAvroSerializer<T extends SpecificRecord> implements Serializer<T> {
    private final Class<T> type;
    private final Schema schema;
    private final SpecificDatumWriter<T> writer;
    private final Map<String, Integer> idsBySubject = new ConcurrentHashMap<>();
    private SchemaRegistryClient registry;
    private boolean isKey;
    private boolean autoRegister = true;
    private SubjectNameStrategy strategy = SubjectNameStrategy.TOPIC_NAME;

    public SpecificAvroSerializer(Class<T> type, SchemaRegistryClient registry) {
        this.type = type;
        this.registry = registry;
        // the class's own model carries its logical-type conversions (Instant for timestamp-millis)
        SpecificData model = SpecificData.getForClass(type);
        this.schema = model.getSchema(type);
        this.writer = new SpecificDatumWriter<>(schema, model);
    }

    public SpecificAvroSerializer(Class<T> type) {
        this(type, null);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.isKey = isKey;
        AvroSerdeConfig config = AvroSerdeConfig.from(configs);
        this.autoRegister = config.autoRegister();
        this.strategy = isKey ? config.keyStrategy() : config.valueStrategy();
        if (registry == null) {
            registry = SchemaRegistryClients.fromConfig(configs);
        }
    }

    @Override
    public byte[] serialize(String topic, T record) {
        if (record == null) {
            return null;
        }
        if (registry == null) {
            throw new SerializationException("Serializer of " + type.getSimpleName() + " is not configured with a schema registry");
        }
        String subject = strategy.subject(topic, isKey, schema);
        int id;
        try {
            id = idsBySubject.computeIfAbsent(subject, this::schemaId);
        } catch (SchemaRegistryException e) {
            throw new SerializationException("Cannot get a schema id for subject '" + subject + "': " + e.getMessage(), e);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        out.write(WireFormat.MAGIC);
        out.write(id >>> 24);
        out.write(id >>> 16);
        out.write(id >>> 8);
        out.write(id);
        try {
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            writer.write(record, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Cannot write " + type.getSimpleName() + " as Avro: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /**
     * Registers (or looks up) the schema for records of {@code topic} now, so that the first record written there does not
     * wait for the registry: a stream thread that meets a new subject in the middle of a transaction holds every record
     * behind it for a round trip.
     */
    public void register(String topic) {
        String subject = strategy.subject(topic, isKey, schema);
        idsBySubject.computeIfAbsent(subject, this::schemaId);
    }

    private int schemaId(String subject) {
        if (autoRegister) {
            return registry.register(subject, schema);
        }
        return registry.lookup(subject, schema)
                .orElseThrow(() -> new SerializationException("Schema of " + schema.getFullName() + " is not registered under '"
                        + subject + "' and auto.register.schemas=false"))
                .id();
    }
}
