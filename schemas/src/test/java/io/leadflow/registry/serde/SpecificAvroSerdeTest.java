package io.leadflow.registry.serde;

import io.leadflow.avro.CallDirection;
import io.leadflow.avro.CallEvent;
import io.leadflow.avro.CallStatus;
import io.leadflow.avro.ContactKey;
import io.leadflow.avro.Vendor;
import io.leadflow.registry.client.InMemorySchemaRegistryClient;
import io.leadflow.registry.client.SchemaRegistryClient;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SpecificAvroSerdeTest {
    private final SchemaRegistryClient registry = new InMemorySchemaRegistryClient();

    @Test
    void keysAreWrittenInTheConfluentWireFormatByteForByte() {
        SpecificAvroSerde<ContactKey> serde = serde(ContactKey.class, true);

        byte[] bytes = serde.serializer().serialize("leadflow.lead-events", new ContactKey("demo", "+79161234567"));

        // 00 | 00000001 (schema id 1) | 08 "demo" (zigzag length 4) | 18 "+79161234567" (zigzag length 12)
        assertThat(HexFormat.of().formatHex(bytes)).isEqualTo("00" + "00000001" + "08" + "64656d6f" + "18" + "2b3739313631323334353637");
        assertThat(registry.getLatest("leadflow.lead-events-key").id()).isEqualTo(1);
        assertThat(serde.deserializer().deserialize("leadflow.lead-events", bytes)).isEqualTo(new ContactKey("demo", "+79161234567"));
    }

    @Test
    void logicalTypesAndEnumsRoundTrip() {
        SpecificAvroSerde<CallEvent> serde = serde(CallEvent.class, false);
        CallEvent call = call();

        assertThat(serde.deserializer().deserialize("calls", serde.serializer().serialize("calls", call))).isEqualTo(call);
    }

    @Test
    void aPlainAvroReaderDecodesWhatWeWriteGivenOnlyTheRegisteredSchemaText() throws Exception {
        byte[] bytes = serde(CallEvent.class, false).serializer().serialize("calls", call());
        int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
        Schema writer = new Schema.Parser().parse(registry.getSchemaById(id).toString());

        GenericRecord decoded = new GenericDatumReader<GenericRecord>(writer)
                .read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));

        assertThat(decoded.get("contact")).hasToString("+79161234567");
        assertThat(decoded.get("startedAt")).isEqualTo(1_700_000_000_000L);
        assertThat(decoded.get("status")).hasToString("ANSWERED");
    }

    @Test
    void dataWrittenWithAnOlderSchemaReadsIntoTheCurrentClass() throws Exception {
        // Given a writer schema without two fields that the current CallEvent has defaults for
        Schema current = CallEvent.getClassSchema();
        List<Schema.Field> olderFields = current.getFields().stream()
                .filter(f -> !f.name().equals("talkSeconds") && !f.name().equals("waitSeconds"))
                .map(f -> new Schema.Field(f, f.schema())).toList();
        Schema older = Schema.createRecord(current.getName(), null, current.getNamespace(), false, olderFields);
        int olderId = registry.register("calls-value", older);
        GenericRecord old = new GenericData.Record(older);
        old.put("eventId", "e1");
        old.put("tenant", "demo");
        old.put("vendor", new GenericData.EnumSymbol(older.getField("vendor").schema(), "MANGO"));
        old.put("callId", "c1");
        old.put("contact", "+79161234567");
        old.put("direction", new GenericData.EnumSymbol(older.getField("direction").schema(), "INBOUND"));
        old.put("status", new GenericData.EnumSymbol(older.getField("status").schema(), "MISSED"));
        old.put("startedAt", 1_700_000_000_000L);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[]{0, 0, 0, 0, (byte) olderId});
        var encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(older).write(old, encoder);
        encoder.flush();

        // When the current deserializer reads it
        CallEvent read = serde(CallEvent.class, false).deserializer().deserialize("calls", out.toByteArray());

        // Then the missing fields take their defaults
        assertThat(read.getCallId()).isEqualTo("c1");
        assertThat(read.getStartedAt()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
        assertThat(read.getTalkSeconds()).isZero();
        assertThat(read.getWaitSeconds()).isZero();
    }

    @Test
    void tombstonesStayNull() {
        SpecificAvroSerde<ContactKey> serde = serde(ContactKey.class, false);
        assertThat(serde.serializer().serialize("t", null)).isNull();
        assertThat(serde.deserializer().deserialize("t", null)).isNull();
    }

    @Test
    void bytesNotInTheWireFormatAreASerializationErrorNamingTheCause() {
        var deserializer = serde(ContactKey.class, false).deserializer();

        assertThatThrownBy(() -> deserializer.deserialize("t", new byte[]{1, 0, 0, 0, 1, 2}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("unknown magic byte 1");
        assertThatThrownBy(() -> deserializer.deserialize("t", new byte[]{0, 0}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("2 bytes");
        assertThatThrownBy(() -> deserializer.deserialize("t", new byte[]{0, 0, 0, 0, 42, 2}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("schema id 42");
    }

    @Test
    void withoutAutoRegistrationAnUnregisteredSchemaIsRefused() {
        SpecificAvroSerde<ContactKey> serde = new SpecificAvroSerde<>(ContactKey.class, registry);
        serde.configure(Map.of("schema.registry.url", "unused", "auto.register.schemas", "false"), true);

        assertThatThrownBy(() -> serde.serializer().serialize("t", new ContactKey("a", "b")))
                .isInstanceOf(SerializationException.class).hasMessageContaining("not registered under 't-key'");

        int id = registry.register("t-key", ContactKey.getClassSchema());
        assertThat(ByteBuffer.wrap(serde.serializer().serialize("t", new ContactKey("a", "b")), 1, 4).getInt()).isEqualTo(id);
    }

    @Test
    void subjectNameStrategiesAcceptConfluentClassNames() {
        SpecificAvroSerde<ContactKey> serde = new SpecificAvroSerde<>(ContactKey.class, registry);
        serde.configure(Map.of("schema.registry.url", "unused",
                "value.subject.name.strategy", "io.confluent.kafka.serializers.subject.TopicRecordNameStrategy"), false);

        serde.serializer().serialize("topic", new ContactKey("a", "b"));

        assertThat(registry.getSubjects()).containsExactly("topic-io.leadflow.avro.ContactKey");
        assertThat(SubjectNameStrategy.parse("RecordNameStrategy").subject("t", false, ContactKey.getClassSchema()))
                .isEqualTo("io.leadflow.avro.ContactKey");
        assertThatThrownBy(() -> SubjectNameStrategy.parse("Whatever")).hasMessageContaining("Unknown subject name strategy");
    }

    private <T extends org.apache.avro.specific.SpecificRecord> SpecificAvroSerde<T> serde(Class<T> type, boolean isKey) {
        SpecificAvroSerde<T> serde = new SpecificAvroSerde<>(type, registry);
        serde.configure(Map.of("schema.registry.url", "unused"), isKey);
        return serde;
    }

    private static CallEvent call() {
        return CallEvent.newBuilder().setEventId("e1").setTenant("demo").setVendor(Vendor.MANGO).setCallId("c1")
                .setContact("+79161234567").setLine("+74951234567").setDirection(CallDirection.INBOUND)
                .setStatus(CallStatus.ANSWERED).setExtension("101").setStartedAt(Instant.ofEpochMilli(1_700_000_000_000L))
                .setAnsweredAt(Instant.ofEpochMilli(1_700_000_004_000L)).setTalkSeconds(60).build();
    }
}
