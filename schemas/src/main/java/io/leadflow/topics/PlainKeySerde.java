package io.leadflow.topics;

import io.leadflow.registry.serde.SpecificAvroDeserializer;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Keys as plain UTF-8 text: the key record's fields in schema order, joined by {@code |}, with {@code \} and {@code |}
 * inside a field escaped by a backslash — {@code demo|+79161234567} for a contact. The bytes that choose a record's
 * partition and a state store's key therefore depend on the logical key alone, never on a schema registry's ids (an
 * Avro key in the Confluent wire format carries its schema id: another registry, or a new version of the key schema,
 * would move every contact to another partition and lose its state). Any client reads these keys as strings.
 *
 * <p>Keys written before this format (Confluent wire format: a 0x00 magic byte, which no plain key starts with, as a
 * tenant id never does) are still read, through the registry, so a deployment can rebuild from its old raw topics.
 */
public final class PlainKeySerde<K extends SpecificRecord> implements Serde<K>, Serializer<K>, Deserializer<K> {
    private static final char SEPARATOR = '|';
    private static final char ESCAPE = '\\';

    private final Class<K> type;
    private final Schema schema;
    private final SpecificData model;
    private final SpecificAvroDeserializer<K> legacy;

    /** @param legacy reads keys in the Confluent wire format (before this format); null: such keys are an error */
    public PlainKeySerde(Class<K> type, SpecificAvroDeserializer<K> legacy) {
        this.type = type;
        this.model = SpecificData.getForClass(type);
        this.schema = model.getSchema(type);
        this.legacy = legacy;
        for (Schema.Field field : schema.getFields()) {
            Schema.Type fieldType = field.schema().getType();
            if (fieldType != Schema.Type.STRING && fieldType != Schema.Type.ENUM) {
                throw new IllegalArgumentException(type.getSimpleName() + "." + field.name() + " is " + fieldType
                        + ": a plain key holds strings and enums only");
            }
        }
    }

    @Override
    public byte[] serialize(String topic, K key) {
        if (key == null) {
            return null;
        }
        StringBuilder text = new StringBuilder(32);
        for (Schema.Field field : schema.getFields()) {
            if (field.pos() > 0) {
                text.append(SEPARATOR);
            }
            Object value = key.get(field.pos());
            if (value == null) {
                throw new SerializationException(type.getSimpleName() + "." + field.name() + " is null: keys have every field");
            }
            String s = value.toString();
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == SEPARATOR || c == ESCAPE) {
                    text.append(ESCAPE);
                }
                text.append(c);
            }
        }
        if (!text.isEmpty() && text.charAt(0) == 0) {
            throw new SerializationException("A key may not start with NUL (it would read as the Confluent wire format)");
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public K deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (data.length > 0 && data[0] == 0) {
            if (legacy == null) {
                throw new SerializationException("A key of " + topic + " in the Confluent wire format, where plain keys are expected");
            }
            return legacy.deserialize(topic, data);
        }
        List<String> fields = split(new String(data, StandardCharsets.UTF_8));
        if (fields.size() != schema.getFields().size()) {
            throw new SerializationException("A key of " + topic + " has " + fields.size() + " fields, " + type.getSimpleName() + " has "
                    + schema.getFields().size());
        }
        @SuppressWarnings("unchecked")
        K key = (K) model.newRecord(null, schema);
        for (Schema.Field field : schema.getFields()) {
            String value = fields.get(field.pos());
            key.put(field.pos(), field.schema().getType() == Schema.Type.ENUM ? enumValue(field, value, topic) : value);
        }
        return key;
    }

    private Object enumValue(Schema.Field field, String symbol, String topic) {
        if (!field.schema().hasEnumSymbol(symbol)) {
            throw new SerializationException("A key of " + topic + " has " + field.name() + " '" + symbol + "', not one of "
                    + field.schema().getEnumSymbols());
        }
        return model.createEnum(symbol, field.schema());
    }

    private static List<String> split(String text) {
        List<String> fields = new ArrayList<>(4);
        StringBuilder field = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ESCAPE && i + 1 < text.length()) {
                field.append(text.charAt(++i));
            } else if (c == SEPARATOR) {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        fields.add(field.toString());
        return fields;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        if (legacy != null) {
            legacy.configure(configs, isKey);
        }
    }

    @Override
    public void close() {
    }

    @Override
    public Serializer<K> serializer() {
        return this;
    }

    @Override
    public Deserializer<K> deserializer() {
        return this;
    }
}
