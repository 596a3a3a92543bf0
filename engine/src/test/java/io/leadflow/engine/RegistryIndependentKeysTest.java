package io.leadflow.engine;

import io.leadflow.avro.ContactKey;
import io.leadflow.avro.RawEnvelope;
import io.leadflow.avro.RawKey;
import io.leadflow.avro.Vendor;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.lead.LeadTopology;
import io.leadflow.registry.client.SchemaRegistryClient;
import io.leadflow.registry.client.SchemaRegistryClients;
import io.leadflow.testing.EngineDriver;
import io.leadflow.testing.MangoRequests;
import io.leadflow.topics.Topics;
import org.apache.avro.SchemaBuilder;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Moving to another schema registry (Confluent, Karapace, Redpanda, Apicurio hand out ids their own way) or evolving a
 * key schema must not move a contact to another partition or lose its state: the bytes of every key the engine writes —
 * to its topics and to its stores' changelogs, which are the stores' keys — are the same under any registry.
 */
class RegistryIndependentKeysTest {
    private static final long T0 = Instant.parse("2026-11-20T09:15:00Z").getEpochSecond();

    @TempDir
    Path stateDir;

    @Test
    void aCallProcessedUnderTwoRegistriesThatHandOutDifferentIdsWritesTheSameKeyBytesEverywhere() {
        // Given two registries, the second of which has seen other schemas first, so every id it hands out differs
        Run first = run("registry-keys-a", 0);
        Run second = run("registry-keys-b", 9);
        assertThat(second.valueSchemaIds).isNotEqualTo(first.valueSchemaIds);

        // Then every topic and changelog got the same keys, byte for byte, so the same partitions and store entries
        assertThat(first.keys).containsKey(changelog("registry-keys-a", LeadTopology.STATE_STORE));
        assertThat(renamed(second.keys, "registry-keys-b", "registry-keys-a")).isEqualTo(first.keys);
        byte[] contact = "demo|+79161234567".getBytes(StandardCharsets.UTF_8);
        assertThat(first.keys.get(Topics.LEAD_EVENTS)).contains(HexFormat.of().formatHex(contact));
        assertThat(first.keys.get(changelog("registry-keys-a", LeadTopology.STATE_STORE))).contains(HexFormat.of().formatHex(contact));
        assertThat(Utils.toPositive(Utils.murmur2(contact)) % 4).isEqualTo(Utils.toPositive(Utils.murmur2(
                new Topics(SchemaRegistryClients.fromConfig(Map.of("schema.registry.url", "mock://unrelated")), Map.of())
                        .leadEvents().keySerde().serializer().serialize(Topics.LEAD_EVENTS, new ContactKey("demo", "+79161234567")))) % 4);
    }

    private record Run(Map<String, List<String>> keys, Map<String, List<Integer>> valueSchemaIds) {
    }

    private Run run(String scope, int otherSchemasFirst) {
        SchemaRegistryClient registry = SchemaRegistryClients.fromConfig(Map.of("schema.registry.url", "mock://" + scope));
        for (int i = 0; i < otherSchemasFirst; i++) {
            registry.register("other-" + i, SchemaBuilder.record("Other" + i).fields().requiredString("x").endRecord());
        }
        try (EngineDriver engine = new EngineDriver(scope, LeadflowConfig.load(null), stateDir.resolve(scope))) {
            var mango = engine.input(engine.topics().raw(Vendor.MANGO));
            String json = MangoRequests.summaryJson("entry-1", "79161234567", false, T0);
            Instant receivedAt = Instant.ofEpochSecond(T0 + 100);
            mango.pipeInput(new RawKey("demo", "entry-1"), envelope(json, receivedAt), receivedAt);

            Map<String, List<String>> keys = new TreeMap<>();
            Map<String, List<Integer>> ids = new TreeMap<>();
            for (String topic : engine.driver().producedTopicNames()) {
                var output = engine.driver().createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer());
                for (TestRecord<byte[], byte[]> record : output.readRecordsToList()) {
                    keys.computeIfAbsent(topic, t -> new ArrayList<>()).add(HexFormat.of().formatHex(record.key()));
                    if (record.value() != null && record.value().length > 5 && record.value()[0] == 0) {
                        ids.computeIfAbsent(topic, t -> new ArrayList<>()).add(ByteBuffer.wrap(record.value(), 1, 4).getInt());
                    }
                }
            }
            return new Run(keys, ids);
        }
    }

    private static String changelog(String applicationId, String store) {
        return applicationId + "-" + store + "-changelog";
    }

    private static Map<String, List<String>> renamed(Map<String, List<String>> keys, String from, String to) {
        Map<String, List<String>> renamed = new TreeMap<>();
        keys.forEach((topic, list) -> renamed.put(topic.startsWith(from) ? to + topic.substring(from.length()) : topic, list));
        return renamed;
    }

    private static RawEnvelope envelope(String json, Instant receivedAt) {
        return RawEnvelope.newBuilder()
                .setRequestId("request-1")
                .setTenant("demo")
                .setVendor(Vendor.MANGO)
                .setKind("events/summary")
                .setReceivedAt(receivedAt)
                .setMethod("POST")
                .setPath("/hooks/demo/mango/events/summary")
                .setContentType("application/x-www-form-urlencoded")
                .setHeaders(Map.of())
                .setBody(ByteBuffer.wrap(MangoRequests.signedForm(json).getBytes(StandardCharsets.UTF_8)))
                .setSignatureVerified(true)
                .setDedupeKey("mango:summary:entry-1")
                .build();
    }
}
