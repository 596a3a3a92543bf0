package io.leadflow.registry.core;

import io.leadflow.registry.client.CompatibilityLevel;
import io.leadflow.registry.client.RegisteredSchema;
import io.leadflow.registry.client.SchemaRegistryException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaParseException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.leadflow.registry.client.SchemaRegistryException.INCOMPATIBLE;
import static io.leadflow.registry.client.SchemaRegistryException.INVALID_SCHEMA;
import static io.leadflow.registry.client.SchemaRegistryException.SCHEMA_NOT_FOUND;
import static io.leadflow.registry.client.SchemaRegistryException.SUBJECT_NOT_FOUND;
import static io.leadflow.registry.client.SchemaRegistryException.VERSION_NOT_FOUND;

/**
 * A schema registry's rules in memory: subjects and their versions, global ids (the same schema keeps
 * one id across subjects, as in Confluent's registry), and compatibility levels checked with Avro's own
 * {@link SchemaCompatibility}. Used by the in-memory client for unit tests and by the embedded registry,
 * which persists every change to a Kafka topic and replays it here on start. Thread-safe.
 */
public final class SchemaRegistryState {
    public static final CompatibilityLevel DEFAULT_COMPATIBILITY = CompatibilityLevel.BACKWARD;

    /** One registration, as stored: Confluent's {@code _schemas} value. */
    public record SchemaRecord(String subject, int version, int id, String schema) {
    }

    private final Map<Integer, Schema> schemasById = new HashMap<>();
    private final Map<String, Integer> idsBySchemaText = new HashMap<>();
    private final Map<String, TreeMap<Integer, Integer>> subjects = new TreeMap<>();
    private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
    private CompatibilityLevel globalLevel = DEFAULT_COMPATIBILITY;
    private int maxId;

    public static Schema parse(String schemaText) {
        try {
            return new Schema.Parser().parse(schemaText);
        } catch (SchemaParseException | NullPointerException e) {
            throw SchemaRegistryException.of(INVALID_SCHEMA, "Invalid Avro schema: " + e.getMessage());
        }
    }

    public synchronized Schema schemaById(int id) {
        Schema schema = schemasById.get(id);
        if (schema == null) {
            throw SchemaRegistryException.of(SCHEMA_NOT_FOUND, "Schema " + id + " not found");
        }
        return schema;
    }

    /** Subject/version pairs that use schema {@code id}. */
    public synchronized List<Map.Entry<String, Integer>> usesOf(int id) {
        schemaById(id);
        List<Map.Entry<String, Integer>> uses = new ArrayList<>();
        subjects.forEach((subject, versions) -> versions.forEach((version, schemaId) -> {
            if (schemaId == id) {
                uses.add(Map.entry(subject, version));
            }
        }));
        return uses;
    }

    public synchronized List<String> subjects() {
        return List.copyOf(subjects.keySet());
    }

    public synchronized List<Integer> versions(String subject) {
        return List.copyOf(versionsOf(subject).keySet());
    }

    /** @param version a version number, or -1 for the latest */
    public synchronized RegisteredSchema version(String subject, int version) {
        TreeMap<Integer, Integer> versions = versionsOf(subject);
        int v = version == -1 ? versions.lastKey() : version;
        Integer id = versions.get(v);
        if (id == null) {
            throw SchemaRegistryException.of(VERSION_NOT_FOUND, "Version " + version + " of subject '" + subject + "' not found");
        }
        return new RegisteredSchema(subject, v, id, schemasById.get(id));
    }

    public synchronized RegisteredSchema lookup(String subject, Schema schema) {
        TreeMap<Integer, Integer> versions = versionsOf(subject);
        Integer id = idsBySchemaText.get(schema.toString());
        if (id != null) {
            for (var entry : versions.entrySet()) {
                if (entry.getValue().equals(id)) {
                    return new RegisteredSchema(subject, entry.getKey(), id, schemasById.get(id));
                }
            }
        }
        throw SchemaRegistryException.of(SCHEMA_NOT_FOUND, "Schema not found under subject '" + subject + "'");
    }

    public synchronized CompatibilityLevel compatibility(String subject) {
        return subject == null ? globalLevel : subjectLevels.getOrDefault(subject, globalLevel);
    }

    /** Whether {@code schema} may follow {@code version} (-1: latest) of the subject under its level. */
    public synchronized boolean isCompatible(String subject, Schema schema, int version) {
        TreeMap<Integer, Integer> versions = subjects.get(subject);
        if (versions == null || versions.isEmpty()) {
            if (version != -1) {
                throw SchemaRegistryException.of(SUBJECT_NOT_FOUND, "Subject '" + subject + "' not found");
            }
            return true;
        }
        CompatibilityLevel level = compatibility(subject);
        List<Schema> previous = new ArrayList<>();
        if (version == -1 && level.transitive()) {
            versions.values().forEach(id -> previous.add(schemasById.get(id)));
        } else {
            previous.add(version(subject, version).schema());
        }
        return previous.stream().allMatch(old -> compatible(level, schema, old));
    }

    private static boolean compatible(CompatibilityLevel level, Schema candidate, Schema old) {
        boolean backward = !level.checksBackward() || readable(candidate, old);
        boolean forward = !level.checksForward() || readable(old, candidate);
        return backward && forward;
    }

    private static boolean readable(Schema reader, Schema writer) {
        return SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getType() == SchemaCompatibilityType.COMPATIBLE;
    }

    /**
     * What registering {@code schema} under {@code subject} means: the existing registration, or the record
     * to store (not yet applied: a persistent registry stores it first, then {@link #apply}s it).
     *
     * @throws SchemaRegistryException 409 when the subject's compatibility level forbids it
     */
    public synchronized Registration plan(String subject, Schema schema) {
        TreeMap<Integer, Integer> versions = subjects.get(subject);
        if (versions != null) {
            try {
                return new Registration(lookup(subject, schema), null);
            } catch (SchemaRegistryException notYetUnderThisSubject) {
                // fall through: a new version
            }
        }
        if (!isCompatible(subject, schema, -1)) {
            throw SchemaRegistryException.of(INCOMPATIBLE, "Schema being registered is incompatible with an earlier schema for subject '"
                    + subject + "' under " + compatibility(subject));
        }
        int id = idsBySchemaText.getOrDefault(schema.toString(), maxId + 1);
        int version = versions == null || versions.isEmpty() ? 1 : versions.lastKey() + 1;
        SchemaRecord record = new SchemaRecord(subject, version, id, schema.toString());
        return new Registration(new RegisteredSchema(subject, version, id, schema), record);
    }

    /** @param toStore null when the schema was already registered under the subject */
    public record Registration(RegisteredSchema schema, SchemaRecord toStore) {
    }

    public synchronized void apply(SchemaRecord record) {
        Schema schema = parse(record.schema());
        schemasById.putIfAbsent(record.id(), schema);
        idsBySchemaText.putIfAbsent(schema.toString(), record.id());
        subjects.computeIfAbsent(record.subject(), s -> new TreeMap<>()).put(record.version(), record.id());
        maxId = Math.max(maxId, record.id());
    }

    /** @param subject null for the global level */
    public synchronized void applyCompatibility(String subject, CompatibilityLevel level) {
        if (subject == null) {
            globalLevel = level;
        } else {
            subjectLevels.put(subject, level);
        }
    }

    private TreeMap<Integer, Integer> versionsOf(String subject) {
        TreeMap<Integer, Integer> versions = subjects.get(subject);
        if (versions == null || versions.isEmpty()) {
            throw SchemaRegistryException.of(SUBJECT_NOT_FOUND, "Subject '" + subject + "' not found");
        }
        return versions;
    }

    public static CompatibilityLevel parseLevel(String text) {
        try {
            return CompatibilityLevel.valueOf(text.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (RuntimeException e) {
            throw SchemaRegistryException.of(SchemaRegistryException.INVALID_COMPATIBILITY_LEVEL, "Invalid compatibility level '" + text + "'");
        }
    }
}
