package io.leadflow.registry.core;

import io.leadflow.registry.client.CompatibilityLevel;
import io.leadflow.registry.client.SchemaRegistryException;
import io.leadflow.registry.client.SchemaRegistryException.Kind;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SchemaRegistryStateTest {
    private static final Schema V1 = schema("{\"type\":\"record\",\"name\":\"P\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"}]}");
    private static final Schema V2_WITH_DEFAULT = schema("{\"type\":\"record\",\"name\":\"P\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"},"
            + "{\"name\":\"b\",\"type\":\"int\",\"default\":0}]}");
    private static final Schema V2_WITHOUT_DEFAULT = schema("{\"type\":\"record\",\"name\":\"P\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"},"
            + "{\"name\":\"b\",\"type\":\"int\"}]}");
    private static final Schema V2_DROPS_A = schema("{\"type\":\"record\",\"name\":\"P\",\"fields\":[{\"name\":\"b\",\"type\":\"int\",\"default\":0}]}");

    private final SchemaRegistryState state = new SchemaRegistryState();

    private int register(String subject, Schema schema) {
        var registration = state.plan(subject, schema);
        if (registration.toStore() != null) {
            state.apply(registration.toStore());
        }
        return registration.schema().id();
    }

    @Test
    void registeringTheSameSchemaTwiceKeepsOneVersionAndOneId() {
        int id = register("t-value", V1);

        assertThat(register("t-value", V1)).isEqualTo(id);
        assertThat(state.versions("t-value")).containsExactly(1);
        assertThat(state.plan("t-value", V1).toStore()).isNull();
    }

    @Test
    void theSameSchemaUnderAnotherSubjectReusesItsId() {
        int id = register("a-value", V1);

        assertThat(register("b-value", V1)).isEqualTo(id);
        assertThat(state.usesOf(id)).extracting(e -> e.getKey()).containsExactly("a-value", "b-value");
    }

    @Test
    void aCompatibleChangeIsTheNextVersionWithANewId() {
        int first = register("t-value", V1);
        int second = register("t-value", V2_WITH_DEFAULT);

        assertThat(second).isEqualTo(first + 1);
        assertThat(state.version("t-value", -1).version()).isEqualTo(2);
        assertThat(state.version("t-value", 1).schema()).isEqualTo(V1);
    }

    @Test
    void backwardRejectsANewFieldWithoutDefaultWith409() {
        register("t-value", V1);

        assertThatThrownBy(() -> register("t-value", V2_WITHOUT_DEFAULT))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(409);
                    assertThat(e.kind()).isEqualTo(Kind.INCOMPATIBLE);
                });
        assertThat(state.versions("t-value")).containsExactly(1);
    }

    @Test
    void forwardAndFullRejectRemovingAFieldWithoutDefault() {
        register("t-value", V1);
        state.applyCompatibility("t-value", CompatibilityLevel.BACKWARD);
        assertThat(state.isCompatible("t-value", V2_DROPS_A, -1)).isTrue();

        state.applyCompatibility("t-value", CompatibilityLevel.FULL);
        assertThat(state.isCompatible("t-value", V2_DROPS_A, -1)).isFalse();
        state.applyCompatibility("t-value", CompatibilityLevel.FORWARD);
        assertThat(state.isCompatible("t-value", V2_DROPS_A, -1)).isFalse();
        state.applyCompatibility("t-value", CompatibilityLevel.NONE);
        assertThat(state.isCompatible("t-value", V2_WITHOUT_DEFAULT, -1)).isTrue();
    }

    @Test
    void transitiveLevelsCheckEveryVersionNotJustTheLatest() {
        Schema onlyY = schema("{\"type\":\"record\",\"name\":\"P\",\"fields\":[{\"name\":\"y\",\"type\":\"int\"}]}");
        Schema onlyX = schema("{\"type\":\"record\",\"name\":\"P\",\"fields\":[{\"name\":\"x\",\"type\":\"int\"}]}");
        state.applyCompatibility("t-value", CompatibilityLevel.NONE);
        register("t-value", onlyY);
        register("t-value", onlyX);

        // {x} reads the latest version's data, but not version 1's, which has no x
        state.applyCompatibility("t-value", CompatibilityLevel.BACKWARD);
        assertThat(state.isCompatible("t-value", onlyX, -1)).isTrue();
        state.applyCompatibility("t-value", CompatibilityLevel.BACKWARD_TRANSITIVE);
        assertThat(state.isCompatible("t-value", onlyX, -1)).isFalse();
        assertThat(state.isCompatible("t-value", onlyX, 2)).isTrue();
    }

    @Test
    void subjectLevelsFallBackToTheGlobalOne() {
        assertThat(state.compatibility("any")).isEqualTo(CompatibilityLevel.BACKWARD);
        state.applyCompatibility(null, CompatibilityLevel.FULL);
        state.applyCompatibility("own", CompatibilityLevel.NONE);

        assertThat(state.compatibility("any")).isEqualTo(CompatibilityLevel.FULL);
        assertThat(state.compatibility("own")).isEqualTo(CompatibilityLevel.NONE);
    }

    @Test
    void errorsCarryConfluentCodes() {
        register("t-value", V1);

        assertCode(() -> state.versions("nope"), 40401, 404);
        assertCode(() -> state.version("t-value", 7), 40402, 404);
        assertCode(() -> state.schemaById(999), 40403, 404);
        assertCode(() -> state.lookup("t-value", V2_WITH_DEFAULT), 40403, 404);
        assertCode(() -> SchemaRegistryState.parse("{\"type\":\"recrod\"}"), 42201, 422);
        assertCode(() -> SchemaRegistryState.parseLevel("SIDEWAYS"), 42203, 422);
    }

    @Test
    void replayedRecordsRebuildTheSameState() {
        register("t-value", V1);
        register("t-value", V2_WITH_DEFAULT);
        var replica = new SchemaRegistryState();
        for (int v : state.versions("t-value")) {
            var r = state.version("t-value", v);
            replica.apply(new SchemaRegistryState.SchemaRecord(r.subject(), r.version(), r.id(), r.schema().toString()));
        }

        assertThat(replica.version("t-value", -1)).isEqualTo(state.version("t-value", -1));
        assertThat(replica.plan("other", V1).schema().id()).isEqualTo(state.version("t-value", 1).id());
        assertThat(replica.plan("other", schema("{\"type\":\"string\"}")).schema().id()).isEqualTo(3);
    }

    private static void assertCode(Runnable call, int code, int status) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(code);
            assertThat(e.httpStatus()).isEqualTo(status);
        });
    }

    private static Schema schema(String json) {
        return new Schema.Parser().parse(json);
    }
}
