package io.leadflow.engine;

import io.leadflow.avro.LeadEvent;
import io.leadflow.avro.RawEnvelope;
import io.leadflow.avro.RawKey;
import io.leadflow.avro.Vendor;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.connectors.client.VendorRequests;
import io.leadflow.intake.ContactKeys;
import io.leadflow.intake.IntakeTopology;
import io.leadflow.registry.client.SchemaRegistryClients;
import io.leadflow.registry.serde.SpecificAvroSerde;
import io.leadflow.simulate.VendorPayloads;
import io.leadflow.testing.EngineDriver;
import io.leadflow.testing.RawEnvelopes;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The upgrade path (ops/README.md): raw records stored by earlier versions — keyed by the vendor's call id, as Avro in
 * the Confluent wire format — rebuilt by this engine give the same leads, owners and events as the same webhooks keyed
 * the new way, by their contact.
 */
class LegacyKeysUpgradeTest {
    private static final LeadflowConfig CONFIG = LeadflowConfig.load(null);
    private static final Instant NOON = Instant.parse("2026-11-18T09:00:00Z"); // Wednesday, 12:00 in Moscow

    @TempDir
    Path dir;

    @Test
    void rawRecordsWithTheOldAvroKeysBecomeTheSameLeadsAsRecordsKeyedByContact() {
        List<RawEnvelope> day = day();

        List<String> rebuilt = run("legacy-keys", day, true);
        List<String> keyedByContact = run("contact-keys", day, false);

        assertThat(rebuilt).hasSizeGreaterThanOrEqualTo(6).isEqualTo(keyedByContact);
    }

    /** Three callers, one of them twice, one call delivered twice. */
    private static List<RawEnvelope> day() {
        VendorRequests demo = new VendorRequests("demo", CONFIG.tenant("demo").orElseThrow());
        List<RawEnvelope> day = new java.util.ArrayList<>();
        String[] callers = {"79161110001", "79161110002", "79161110001", "79161110003"};
        for (int i = 0; i < callers.length; i++) {
            Instant at = NOON.plusSeconds(600L * i);
            String json = VendorPayloads.mangoSummary("up-" + i, true, callers[i], "101", "74953079651", at, i % 2 == 0 ? at.plusSeconds(5) : null,
                    at.plusSeconds(60));
            day.add(RawEnvelope.newBuilder(RawEnvelopes.of(Vendor.MANGO, "events/summary", "mango:summary:up-" + i, demo.mango("summary", json)))
                    .setReceivedAt(at.plusSeconds(61)).build());
        }
        day.add(day.get(1)); // Mango retried
        return day;
    }

    /** The lead events of the day as facts (lead, cause, time, payload), with the raw records keyed the old or the new way. */
    private List<String> run(String scope, List<RawEnvelope> day, boolean legacyKeys) {
        try (EngineDriver engine = new EngineDriver(scope, CONFIG, dir.resolve(scope), NOON)) {
            var raw = engine.topics().raw(Vendor.MANGO);
            Serializer<RawKey> keys = raw.keySerde().serializer();
            if (legacyKeys) {
                SpecificAvroSerde<RawKey> avro = new SpecificAvroSerde<>(RawKey.class,
                        SchemaRegistryClients.fromConfig(Map.of("schema.registry.url", "mock://" + scope)));
                avro.configure(Map.of("schema.registry.url", "mock://" + scope), true);
                keys = avro.serializer();
            }
            var input = engine.driver().createInputTopic(raw.name(), keys, raw.valueSerde().serializer());
            ContactKeys gateway = new ContactKeys(CONFIG, IntakeTopology.parsers());
            for (RawEnvelope envelope : day) {
                RawKey byCallId = new RawKey("demo", envelope.getDedupeKey());
                input.pipeInput(legacyKeys ? byCallId : gateway.keyFor(envelope, byCallId), envelope, envelope.getReceivedAt());
            }
            return engine.output(engine.topics().leadEvents()).readValuesToList().stream()
                    .map(LegacyKeysUpgradeTest::fact).sorted().toList();
        }
    }

    private static String fact(LeadEvent e) {
        return e.getLeadId() + " " + e.getCauseId() + " " + e.getOccurredAt() + " " + e.getPayload();
    }
}
