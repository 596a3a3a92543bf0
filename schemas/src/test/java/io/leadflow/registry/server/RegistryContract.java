package io.leadflow.registry.server;

import io.leadflow.registry.client.CompatibilityLevel;
import io.leadflow.registry.client.SchemaRegistryClient;
import io.leadflow.registry.client.SchemaRegistryException;
import io.leadflow.registry.client.SchemaRegistryException.Kind;
import org.apache.avro.Schema;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What leadflow needs from any Confluent-compatible registry, run against the embedded one here and
 * against Confluent SR, Karapace, Redpanda and Apicurio where Docker exists.
 */
final class RegistryContract {
    static final Schema V1 = new Schema.Parser().parse(
            "{\"type\":\"record\",\"name\":\"Probe\",\"namespace\":\"contract\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"}]}");
    static final Schema V2 = new Schema.Parser().parse(
            "{\"type\":\"record\",\"name\":\"Probe\",\"namespace\":\"contract\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"},"
                    + "{\"name\":\"b\",\"type\":\"int\",\"default\":0}]}");
    static final Schema INCOMPATIBLE = new Schema.Parser().parse(
            "{\"type\":\"record\",\"name\":\"Probe\",\"namespace\":\"contract\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"},"
                    + "{\"name\":\"c\",\"type\":\"int\"}]}");

    private RegistryContract() {
    }

    /** Runs every check on fresh subjects of {@code client}'s registry. */
    static void verify(SchemaRegistryClient client) {
        String subject = "contract-" + UUID.randomUUID() + "-value";
        // registries differ in their factory default (Apicurio: none); leadflow's deployments use BACKWARD
        client.setCompatibility(null, CompatibilityLevel.BACKWARD);
        assertThat(client.getCompatibility(null)).isEqualTo(CompatibilityLevel.BACKWARD);

        // register, idempotently
        assertThat(client.isCompatible(subject, V1)).isTrue();
        int id1 = client.register(subject, V1);
        assertThat(client.register(subject, V1)).isEqualTo(id1);
        assertThat(client.getSchemaById(id1)).isEqualTo(V1);

        // evolve
        assertThat(client.isCompatible(subject, V2)).isTrue();
        int id2 = client.register(subject, V2);
        assertThat(id2).isNotEqualTo(id1);
        assertThat(client.getVersions(subject)).containsExactly(1, 2);
        assertThat(client.getLatest(subject).id()).isEqualTo(id2);
        assertThat(client.getLatest(subject).version()).isEqualTo(2);
        assertThat(client.getVersion(subject, 1).schema()).isEqualTo(V1);
        assertThat(client.getSubjects()).contains(subject);
        assertThat(client.lookup(subject, V1)).hasValueSatisfying(r -> assertThat(r.version()).isEqualTo(1));
        assertThat(client.lookup(subject, INCOMPATIBLE)).isEmpty();
        assertThat(client.lookup("contract-" + UUID.randomUUID(), V1)).isEmpty();

        // refuse an incompatible change under BACKWARD
        assertThat(client.getCompatibility(subject)).isEqualTo(CompatibilityLevel.BACKWARD);
        assertThat(client.isCompatible(subject, INCOMPATIBLE)).isFalse();
        assertThatThrownBy(() -> client.register(subject, INCOMPATIBLE))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INCOMPATIBLE));

        // per-subject compatibility
        client.setCompatibility(subject, CompatibilityLevel.NONE);
        assertThat(client.getCompatibility(subject)).isEqualTo(CompatibilityLevel.NONE);
        assertThat(client.register(subject, INCOMPATIBLE)).isPositive();

        // errors map to kinds
        assertThatThrownBy(() -> client.getLatest("contract-" + UUID.randomUUID()))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.SUBJECT_NOT_FOUND));
        assertThatThrownBy(() -> client.getVersion(subject, 99))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.VERSION_NOT_FOUND));
        assertThatThrownBy(() -> client.getSchemaById(987_654))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.SCHEMA_NOT_FOUND));
    }
}
