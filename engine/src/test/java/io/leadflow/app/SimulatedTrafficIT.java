package io.leadflow.app;

import io.leadflow.avro.LeadCreated;
import io.leadflow.avro.LeadEvent;
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
 * the engine records each fact of each lead once, dead-letters nothing, and no caller's
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
                new TenantConfig.CallTouchConfig("ct-secret", List.of(), Map.of(), null), null, null,
                new TenantConfig.LeadsConfig(null, null, null, "ural-lead-id-secret"), null, null, null, null);
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
    void aSimulatedDayGivesEachLeadFactOnceAndNoNumberOnTheMarketingTopics() throws Exception {
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

        // Then each fact is on the lead log once (a redelivery, a duplicate notification or the other reporter of a call
        // changes nothing twice), and nothing was dead-lettered
        Topics topics = new Topics(SchemaRegistryClients.fromConfig(REGISTRY), REGISTRY);
        List<LeadEvent> events = read(topics.leadEvents(), report.expectedCalls()).stream().map(ConsumerRecord::value).toList();
        assertThat(events).extracting(e -> e.getLeadId() + " " + e.getCauseId() + " " + e.getPayload().getClass().getSimpleName())
                .doesNotHaveDuplicates();
        assertThat(events).filteredOn(e -> e.getPayload() instanceof LeadCreated).extracting(LeadEvent::getContact).doesNotHaveDuplicates()
                .hasSizeGreaterThan(10);
        assertThat(read(topics.deadLetter(), 0)).isEmpty();

        // And the marketing topics, read as raw bytes, hold no caller's number in any spelling: the demo tenant's
        // attribution names contacts only by their keyed hash
        java.util.Set<String> numbers = new java.util.TreeSet<>();
        events.forEach(e -> numbers.add(e.getContact()));
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

    private static <K, V> List<ConsumerRecord<K, V>> read(Topic<K, V> topic, long expected) {
        return KafkaTestBroker.readCommitted(KAFKA.bootstrapServers(), topic.name(), topic.keySerde().deserializer(),
                topic.valueSerde().deserializer(), (int) expected, Duration.ofSeconds(60), Duration.ofSeconds(3));
    }
}
