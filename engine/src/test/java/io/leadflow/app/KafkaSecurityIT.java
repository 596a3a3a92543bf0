package io.leadflow.app;

import io.leadflow.avro.ContactKey;
import io.leadflow.avro.LeadCreated;
import io.leadflow.avro.LeadEvent;
import io.leadflow.avro.RawEnvelope;
import io.leadflow.avro.RawKey;
import io.leadflow.avro.Vendor;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.connectors.client.VendorRequests;
import io.leadflow.kafka.KafkaClientConfig;
import io.leadflow.registry.client.SchemaRegistryClients;
import io.leadflow.registry.server.EmbeddedSchemaRegistry;
import io.leadflow.simulate.VendorPayloads;
import io.leadflow.testing.EngineProcess;
import io.leadflow.testing.KafkaTestBroker;
import io.leadflow.testing.RawEnvelopes;
import io.leadflow.topics.Topic;
import io.leadflow.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * leadflow on a cluster that wants credentials (SASL/PLAIN on its only listener): an engine process given them as
 * Kafka's own tools take them — a client properties file, {@code --kafka-config} — reaches the cluster with every
 * client it has (the Streams clients, the roster log, the health check, the purger) and turns calls into leads.
 */
class KafkaSecurityIT {
    private static final Map<String, String> CREDENTIALS = Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN",
            "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"plain-admin\" password=\"plain-admin-secret\";");

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // the engine's log stays for a look when it fails
    Path dir;

    @Test
    void anEngineGivenTheClustersCredentialsInAPropertiesFileTurnsCallsIntoLeads() throws Exception {
        try (KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1)
                .setNumControllerNodes(1).setBrokerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT)
                .setControllerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT).build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0").build()) {
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            KafkaClientConfig.share(CREDENTIALS); // for this JVM's clients: the schema registry, the test's producer and reader
            try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(new EmbeddedSchemaRegistry.Config(cluster.bootstrapServers(),
                    "127.0.0.1", KafkaTestBroker.freePort(), "_schemas", (short) 1))) {
                // Given the credentials in a client properties file, and an engine process given that file
                Path kafkaConfig = dir.resolve("kafka.properties");
                Properties file = new Properties();
                file.putAll(CREDENTIALS);
                try (Writer out = Files.newBufferedWriter(kafkaConfig)) {
                    file.store(out, "the cluster's credentials");
                }
                EngineProcess engine = new EngineProcess("512m", cluster.bootstrapServers(), registry.url(), null, dir.resolve("state"),
                        KafkaTestBroker.freePort(), dir.resolve("engine.log"), List.of("--application-id=kafka-security-it", "--partitions=1",
                        "--kafka-config=" + kafkaConfig));
                engine.start();
                try {
                    engine.awaitReady(Duration.ofSeconds(90));
                    // When three calls arrive
                    Map<String, String> registryConfig = Map.of("schema.registry.url", registry.url());
                    Topics topics = new Topics(SchemaRegistryClients.fromConfig(registryConfig), registryConfig);
                    write(cluster.bootstrapServers(), topics, List.of("sasl-1", "sasl-2", "sasl-3"));

                    // Then each becomes a lead
                    assertThat(createdLeads(cluster.bootstrapServers(), topics, 3)).containsExactlyInAnyOrder("sasl-1", "sasl-2", "sasl-3");
                } finally {
                    engine.stop();
                }
            }
        } finally {
            KafkaClientConfig.share(Map.of());
        }
    }

    /** Mango summaries of the bundled tenant, one new caller each, as the gateway writes them. */
    private static void write(String bootstrapServers, Topics topics, List<String> calls) throws Exception {
        VendorRequests demo = new VendorRequests("demo", LeadflowConfig.load(null).tenant("demo").orElseThrow());
        Topic<RawKey, RawEnvelope> raw = topics.raw(Vendor.MANGO);
        try (KafkaProducer<RawKey, RawEnvelope> producer = new KafkaProducer<>(KafkaClientConfig.of(bootstrapServers, Map.of("acks", "all")),
                raw.keySerde().serializer(), raw.valueSerde().serializer())) {
            for (int i = 0; i < calls.size(); i++) {
                Instant at = Instant.now().minusSeconds(60);
                String json = VendorPayloads.mangoSummary(calls.get(i), true, "7916555000" + i, "101", "74951234567", at, null, at.plusSeconds(30));
                RawEnvelope envelope = RawEnvelope.newBuilder(RawEnvelopes.of(Vendor.MANGO, "events/summary", "mango:summary:" + calls.get(i),
                        demo.mango("summary", json))).setReceivedAt(Instant.now()).build();
                producer.send(new ProducerRecord<>(raw.name(), new RawKey("demo", envelope.getDedupeKey()), envelope)).get();
            }
        }
    }

    /** The calls of the LeadCreated events a read_committed reader sees, once {@code expected} are there or a minute passed. */
    private static Set<String> createdLeads(String bootstrapServers, Topics topics, int expected) {
        Topic<ContactKey, LeadEvent> events = topics.leadEvents();
        Set<String> calls = new HashSet<>();
        try (KafkaConsumer<ContactKey, LeadEvent> consumer = new KafkaConsumer<>(KafkaClientConfig.of(bootstrapServers,
                Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")), events.keySerde().deserializer(), events.valueSerde().deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(events.name()).stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (calls.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<ContactKey, LeadEvent> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.value().getPayload() instanceof LeadCreated created) {
                        calls.add(created.getCallId());
                    }
                }
            }
        }
        return calls;
    }
}
