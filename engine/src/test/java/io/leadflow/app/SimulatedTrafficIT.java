package io.leadflow.app;

import io.leadflow.avro.CallEvent;
import io.leadflow.avro.CallStatus;
import io.leadflow.avro.ContactKey;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.config.TenantConfig;
import io.leadflow.registry.client.SchemaRegistryClients;
import io.leadflow.simulate.Simulator;
import io.leadflow.simulate.TrafficGenerator;
import io.leadflow.simulate.TrafficModel;
import io.leadflow.testing.KafkaTestBroker;
import io.leadflow.testing.PastWeek;
import io.leadflow.topics.Topic;
import io.leadflow.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A simulated business day of two tenants (one on Mango + CallTouch + amoCRM, one on Zadarma + CallTouch),
 * sent as real signed webhooks, with duplicates, late CallTouch records and out-of-order Mango states:
 * the engine emits exactly the calls, touches and stage changes the simulator says it should, and no caller's
 * number reaches a marketing topic.
 */
class SimulatedTrafficIT {
    @RegisterExtension
    static final KafkaTestBroker KAFKA = new KafkaTestBroker();
    private static final String SCOPE = "simulated-traffic-it";
    private static final Map<String, String> REGISTRY = Map.of("schema.registry.url", "mock://" + SCOPE);
    private static final Instant MONDAY = PastWeek.monday(0, 0);

    @TempDir
    static Path stateDir;

    private static LeadflowConfig config;
    private static LeadflowNode node;

    @BeforeAll
    static void start() throws Exception {
        TenantConfig demo = LeadflowConfig.load(null).tenant("demo").orElseThrow();
        TenantConfig zadarma = new TenantConfig("Asia/Yekaterinburg", "RU", null, new TenantConfig.ZadarmaConfig("zd-secret"),
                new TenantConfig.CallTouchConfig("ct-secret", List.of(), Map.of(), null), null, null);
        config = new LeadflowConfig(Map.of("demo", demo, "ural", zadarma));
        node = TestNodes.start(KAFKA.bootstrapServers(), REGISTRY, config, SCOPE, stateDir, 2,
                LeadflowNode.Gateway.WEBHOOKS_AND_POLLERS);
        node.awaitEngineRunning(Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
        SchemaRegistryClients.dropScope(SCOPE);
    }

    @Test
    void aSimulatedDayGivesExactlyTheExpectedCanonicalEvents() throws Exception {
        // Given a seeded day of traffic for both tenants, sent to the gateway as the vendors would
        Simulator.Report report;
        try (Simulator simulator = new Simulator(URI.create("http://127.0.0.1:" + node.httpPort()), 4)) {
            report = simulator.replay(new TrafficGenerator(TrafficModel.realistic(11, 40), config.tenants(), MONDAY),
                    MONDAY.plus(Duration.ofDays(1)), 0);
        }
        assertThat(report.failed()).isZero();
        assertThat(report.refused()).isEmpty();
        assertThat(report.accepted()).containsKeys("mango", "zadarma", "calltouch", "amocrm");
        assertThat(report.duplicatesSent()).isPositive();

        // Then every call outcome, touch and stage change is downstream exactly once, and nothing was dead-lettered
        Topics topics = new Topics(SchemaRegistryClients.fromConfig(REGISTRY), REGISTRY);
        // (leadflow.calls also carries RINGING events of calls in progress; the outcomes are what the simulator predicts)
        List<ConsumerRecord<ContactKey, CallEvent>> outcomes = KafkaTestBroker.readCommittedUntil(KAFKA.bootstrapServers(),
                topics.calls().name(), topics.calls().keySerde().deserializer(), topics.calls().valueSerde().deserializer(),
                records -> records.stream().filter(SimulatedTrafficIT::isOutcome).count() >= report.expectedCalls(),
                Duration.ofSeconds(60), Duration.ofSeconds(3)).stream().filter(SimulatedTrafficIT::isOutcome).toList();
        assertThat(outcomes).extracting(r -> r.value().getTenant() + "|" + r.value().getEventId()).doesNotHaveDuplicates()
                .hasSize((int) report.expectedCalls());
        assertThat(distinctCount(topics.touches(), report.expectedTouches(), r -> r.value().getTenant() + "|" + r.value().getTouchId())).isEqualTo(report.expectedTouches());
        assertThat(distinctCount(topics.crmStageChanges(), report.expectedStageChanges(), r -> r.value().getTenant() + "|" + r.value().getEventId()))
                .isEqualTo(report.expectedStageChanges());
        assertThat(read(topics.deadLetter(), 0)).isEmpty();

        // And the marketing topics, read as raw bytes, hold no caller's number in any spelling: the demo tenant's
        // attribution names contacts only by their keyed hash
        java.util.Set<String> numbers = new java.util.TreeSet<>();
        outcomes.forEach(r -> numbers.add(r.value().getContact()));
        read(topics.touches(), 0).forEach(r -> numbers.add(r.value().getContact()));
        assertThat(numbers).hasSizeGreaterThan(10);
        var bytes = new org.apache.kafka.common.serialization.ByteArrayDeserializer();
        for (String marketing : List.of(topics.attribution().name(), topics.channelPerformance().name())) {
            List<ConsumerRecord<byte[], byte[]>> records = KafkaTestBroker.readCommitted(KAFKA.bootstrapServers(), marketing, bytes, bytes,
                    1, Duration.ofSeconds(60), Duration.ofSeconds(3));
            assertThat(records).as(marketing).isNotEmpty();
            for (ConsumerRecord<byte[], byte[]> record : records) {
                String raw = new String(record.key(), java.nio.charset.StandardCharsets.ISO_8859_1)
                        + new String(record.value(), java.nio.charset.StandardCharsets.ISO_8859_1);
                for (String number : numbers) {
                    // +7 916 123-45-67 as E.164, and its last ten digits as any national spelling has them
                    assertThat(raw).as(marketing).doesNotContain(number).doesNotContain(number.substring(number.length() - 10));
                }
            }
        }
    }

    private static boolean isOutcome(ConsumerRecord<ContactKey, CallEvent> record) {
        return record.value().getStatus() != CallStatus.RINGING;
    }

    /** Reads the topic and returns its record count, after checking that no id occurs twice. */
    private static <K, V> long distinctCount(Topic<K, V> topic, long expected, java.util.function.Function<ConsumerRecord<K, V>, String> id) {
        List<ConsumerRecord<K, V>> records = read(topic, expected);
        assertThat(records).extracting(id::apply).doesNotHaveDuplicates();
        return records.size();
    }

    private static <K, V> List<ConsumerRecord<K, V>> read(Topic<K, V> topic, long expected) {
        return KafkaTestBroker.readCommitted(KAFKA.bootstrapServers(), topic.name(), topic.keySerde().deserializer(),
                topic.valueSerde().deserializer(), (int) expected, Duration.ofSeconds(60), Duration.ofSeconds(3));
    }
}
