package io.leadflow.registry.client;

import org.apache.avro.Schema;

import java.util.List;
import java.util.Optional;

/** The subset of the Confluent Schema Registry API that leadflow uses. */
public interface SchemaRegistryClient {
    /** Registers {@code schema} under {@code subject} (or finds it registered) and returns its global id. */
    int register(String subject, Schema schema);

    /** The schema with this global id; ids never change, so implementations cache the answer forever. */
    Schema getSchemaById(int id);

    RegisteredSchema getLatest(String subject);

    RegisteredSchema getVersion(String subject, int version);

    List<String> getSubjects();

    List<Integer> getVersions(String subject);

    /** The registration of exactly this schema under {@code subject}, if there is one. */
    Optional<RegisteredSchema> lookup(String subject, Schema schema);

    /** Whether {@code schema} may be registered under {@code subject}; true for a subject with no versions. */
    boolean isCompatible(String subject, Schema schema);

    /** The subject's level, falling back to the global one; {@code null} subject: the global level. */
    CompatibilityLevel getCompatibility(String subject);

    void setCompatibility(String subject, CompatibilityLevel level);
}
