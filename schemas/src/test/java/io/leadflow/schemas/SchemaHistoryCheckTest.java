package io.leadflow.schemas;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SchemaHistoryCheckTest {

    private static final String V1 = """
            {"type":"record","name":"Thing","namespace":"t","fields":[
              {"name":"id","type":"string"},
              {"name":"note","type":["null","string"],"default":null}]}""";

    @TempDir
    Path history;

    @Test
    void firstVersionIsRecorded() {
        var result = new SchemaHistoryCheck(history, true).check(schema(V1));

        assertThat(result.problems()).isEmpty();
        assertThat(result.recorded()).isEqualTo(history.resolve("t.Thing/v1.avsc"));
        assertThat(new Schema.Parser().parse(read(result.recorded()))).isEqualTo(schema(V1));
    }

    @Test
    void unchangedSchemaRecordsNothing() {
        var check = new SchemaHistoryCheck(history, true);
        check.check(schema(V1));

        var result = check.check(schema(V1));

        assertThat(result.problems()).isEmpty();
        assertThat(result.recorded()).isNull();
    }

    @Test
    void addingAFieldWithADefaultIsCompatibleAndBecomesV2() {
        var check = new SchemaHistoryCheck(history, true);
        check.check(schema(V1));

        var result = check.check(schema(V1.replace("]}", ",{\"name\":\"n\",\"type\":\"int\",\"default\":0}]}")));

        assertThat(result.problems()).isEmpty();
        assertThat(result.recorded()).isEqualTo(history.resolve("t.Thing/v2.avsc"));
    }

    @Test
    void addingAFieldWithoutADefaultFails() {
        var check = new SchemaHistoryCheck(history, true);
        check.check(schema(V1));

        var result = check.check(schema(V1.replace("]}", ",{\"name\":\"n\",\"type\":\"int\"}]}")));

        assertThat(result.problems()).singleElement().asString()
                .contains("cannot read data written with t.Thing/v1.avsc").contains("READER_FIELD_MISSING_DEFAULT");
        assertThat(result.recorded()).isNull();
    }

    @Test
    void removingAFieldWithoutADefaultFails() {
        var check = new SchemaHistoryCheck(history, true);
        check.check(schema(V1));
        String withoutId = """
                {"type":"record","name":"Thing","namespace":"t","fields":[
                  {"name":"note","type":["null","string"],"default":null}]}""";

        var result = check.check(schema(withoutId));

        assertThat(result.problems()).containsExactly("field t.Thing.id of t.Thing/v1.avsc was removed but had no default");
        assertThat(history.resolve("t.Thing/v2.avsc")).doesNotExist();
    }

    @Test
    void removingAFieldThatHadADefaultIsAllowed() {
        var check = new SchemaHistoryCheck(history, true);
        check.check(schema(V1));
        String withoutNote = """
                {"type":"record","name":"Thing","namespace":"t","fields":[{"name":"id","type":"string"}]}""";

        assertThat(check.check(schema(withoutNote)).problems()).isEmpty();
    }

    @Test
    void nestedRecordsInUnionsAreCheckedToo() {
        String envelope = """
                {"type":"record","name":"Env","namespace":"t","fields":[{"name":"payload","type":[
                  {"type":"record","name":"A","fields":[{"name":"x","type":"int"},{"name":"y","type":"int"}]}]}]}""";
        var check = new SchemaHistoryCheck(history, true);
        check.check(schema(envelope));

        var result = check.check(schema(envelope.replace(",{\"name\":\"y\",\"type\":\"int\"}", "")));

        assertThat(result.problems()).containsExactly("field t.A.y of t.Env/v1.avsc was removed but had no default");
    }

    @Test
    void onCiAnUnrecordedChangeFails() {
        new SchemaHistoryCheck(history, true).check(schema(V1));
        var ci = new SchemaHistoryCheck(history, false);

        var result = ci.check(schema(V1.replace("]}", ",{\"name\":\"n\",\"type\":\"int\",\"default\":0}]}")));

        assertThat(result.problems()).singleElement().asString().contains("not in");
        assertThat(history.resolve("t.Thing/v2.avsc")).doesNotExist();
    }

    @Test
    void theProjectSchemasParseFromTheirFolders() {
        var schemas = SchemaFiles.parseAll(List.of(Path.of("src/main/avro-common"), Path.of("src/main/avro")));

        assertThat(schemas).containsKeys("io.leadflow.avro.LeadEvent", "io.leadflow.avro.RawEnvelope", "io.leadflow.avro.Vendor");
        // the generated class carries extra properties (avro.java.string); the parsing form must match
        assertThat(SchemaNormalization.toParsingForm(schemas.get("io.leadflow.avro.LeadEvent")))
                .isEqualTo(SchemaNormalization.toParsingForm(io.leadflow.avro.LeadEvent.getClassSchema()));
    }

    private static Schema schema(String json) {
        return new Schema.Parser().parse(json);
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
