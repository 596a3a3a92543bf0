package io.leadflow.topics;

import io.leadflow.avro.ContactKey;
import io.leadflow.avro.RawKey;
import io.leadflow.avro.RosterKey;
import io.leadflow.avro.RosterKind;
import io.leadflow.avro.ChannelKey;
import io.leadflow.registry.client.InMemorySchemaRegistryClient;
import io.leadflow.registry.client.SchemaRegistryClient;
import io.leadflow.registry.serde.SpecificAvroDeserializer;
import io.leadflow.registry.serde.SpecificAvroSerde;
import org.apache.avro.SchemaBuilder;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PlainKeySerdeTest {
    private static final Map<String, String> SERDE_CONFIG = Map.of("schema.registry.url", "unused");

    @Test
    void aContactKeyIsItsTenantAndContactAsText() {
        byte[] bytes = serde(ContactKey.class, new InMemorySchemaRegistryClient()).serialize("leadflow.lead-events",
                new ContactKey("demo", "+79161234567"));

        assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("demo|+79161234567");
    }

    @Test
    void separatorsAndBackslashesInsideAFieldAreEscapedAndReadBack() {
        PlainKeySerde<ChannelKey> serde = serde(ChannelKey.class, new InMemorySchemaRegistryClient());
        ChannelKey key = new ChannelKey("demo", "2026-12-01", "linear/1", "ya|ndex", "c\\pc", "");

        byte[] bytes = serde.serialize("t", key);

        assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("demo|2026-12-01|linear/1|ya\\|ndex|c\\\\pc|");
        assertThat(serde.deserialize("t", bytes)).isEqualTo(key);
    }

    @Test
    void enumsAreWrittenByTheirSymbol() {
        PlainKeySerde<RosterKey> serde = serde(RosterKey.class, new InMemorySchemaRegistryClient());
        RosterKey key = new RosterKey("demo", RosterKind.MANAGER, "ivanova");

        assertThat(new String(serde.serialize("t", key), StandardCharsets.UTF_8)).isEqualTo("demo|MANAGER|ivanova");
        assertThat(serde.deserialize("t", serde.serialize("t", key))).isEqualTo(key);
        assertThatThrownBy(() -> serde.deserialize("t", "demo|BOSS|x".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class).hasMessageContaining("BOSS");
    }

    @Test
    void twoRegistriesThatHandOutDifferentIdsWriteTheSameKeyBytesAndSoChooseTheSamePartition() {
        SchemaRegistryClient first = new InMemorySchemaRegistryClient();
        SchemaRegistryClient second = new InMemorySchemaRegistryClient();
        for (int i = 0; i < 7; i++) { // the second registry has seen other schemas: every id it hands out differs
            second.register("other-" + i, SchemaBuilder.record("Other" + i).fields().requiredString("x").endRecord());
        }
        Topics a = new Topics(first, SERDE_CONFIG);
        Topics b = new Topics(second, SERDE_CONFIG);
        ContactKey contact = new ContactKey("demo", "+79161234567");

        byte[] underA = a.leadEvents().keySerde().serializer().serialize(Topics.LEAD_EVENTS, contact);
        byte[] underB = b.leadEvents().keySerde().serializer().serialize(Topics.LEAD_EVENTS, contact);

        assertThat(underB).isEqualTo(underA);
        assertThat(Utils.toPositive(Utils.murmur2(underB)) % 12).isEqualTo(Utils.toPositive(Utils.murmur2(underA)) % 12);
        // what decides the partition: before, the key carried its schema id, and the two registries disagreed on it
        SpecificAvroSerde<ContactKey> wireFormatA = new SpecificAvroSerde<>(ContactKey.class, first);
        wireFormatA.configure(SERDE_CONFIG, true);
        SpecificAvroSerde<ContactKey> wireFormatB = new SpecificAvroSerde<>(ContactKey.class, second);
        wireFormatB.configure(SERDE_CONFIG, true);
        assertThat(wireFormatB.serializer().serialize(Topics.LEAD_EVENTS, contact))
                .isNotEqualTo(wireFormatA.serializer().serialize(Topics.LEAD_EVENTS, contact));
    }

    @Test
    void keysWrittenInTheConfluentWireFormatBeforeAreStillRead() {
        SchemaRegistryClient registry = new InMemorySchemaRegistryClient();
        SpecificAvroSerde<RawKey> old = new SpecificAvroSerde<>(RawKey.class, registry);
        old.configure(SERDE_CONFIG, true);
        byte[] legacy = old.serializer().serialize("leadflow.raw.mango", new RawKey("demo", "entry-1"));

        assertThat(serde(RawKey.class, registry).deserialize("leadflow.raw.mango", legacy)).isEqualTo(new RawKey("demo", "entry-1"));
    }

    @Test
    void aKeyWithTheWrongNumberOfFieldsIsASerializationErrorNamingTheTopic() {
        PlainKeySerde<ContactKey> serde = serde(ContactKey.class, new InMemorySchemaRegistryClient());

        assertThatThrownBy(() -> serde.deserialize("leadflow.calls", "demo".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class).hasMessageContaining("leadflow.calls").hasMessageContaining("1 fields");
    }

    @Test
    void onlyFlatRecordsOfStringsAndEnumsCanBePlainKeys() {
        assertThatThrownBy(() -> new PlainKeySerde<>(io.leadflow.avro.DeadLetter.class, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("DeadLetter.");
    }

    private static <K extends org.apache.avro.specific.SpecificRecord> PlainKeySerde<K> serde(Class<K> type, SchemaRegistryClient registry) {
        PlainKeySerde<K> serde = new PlainKeySerde<>(type, new SpecificAvroDeserializer<>(type, registry));
        serde.configure(SERDE_CONFIG, true);
        return serde;
    }
}
