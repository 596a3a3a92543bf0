package io.leadflow.registry.client;

import io.leadflow.registry.core.SchemaRegistryState;
import org.apache.avro.Schema;

import java.util.List;
import java.util.Optional;

/** A registry in this JVM's memory, for unit tests ({@code schema.registry.url=mock://<scope>}). */
public final class InMemorySchemaRegistryClient implements SchemaRegistryClient {
    private final SchemaRegistryState state = new SchemaRegistryState();

    /** Plans and stores in one step: two registrations at once must not both be given the next id. */
    @Override
    public int register(String subject, Schema schema) {
        synchronized (state) {
            SchemaRegistryState.Registration registration = state.plan(subject, schema);
            if (registration.toStore() != null) {
                state.apply(registration.toStore());
            }
            return registration.schema().id();
        }
    }

    @Override
    public Schema getSchemaById(int id) {
        return state.schemaById(id);
    }

    @Override
    public RegisteredSchema getLatest(String subject) {
        return state.version(subject, -1);
    }

    @Override
    public RegisteredSchema getVersion(String subject, int version) {
        return state.version(subject, version);
    }

    @Override
    public List<String> getSubjects() {
        return state.subjects();
    }

    @Override
    public List<Integer> getVersions(String subject) {
        return state.versions(subject);
    }

    @Override
    public Optional<RegisteredSchema> lookup(String subject, Schema schema) {
        try {
            return Optional.of(state.lookup(subject, schema));
        } catch (SchemaRegistryException e) {
            return Optional.empty();
        }
    }

    @Override
    public boolean isCompatible(String subject, Schema schema) {
        return state.isCompatible(subject, schema, -1);
    }

    @Override
    public CompatibilityLevel getCompatibility(String subject) {
        return state.compatibility(subject);
    }

    @Override
    public void setCompatibility(String subject, CompatibilityLevel level) {
        state.applyCompatibility(subject, level);
    }
}
