package io.leadflow.testing;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A real in-process KRaft broker (Kafka's own {@link KafkaClusterTestKit}), one per test class:
 * {@code @RegisterExtension static final KafkaTestBroker KAFKA = new KafkaTestBroker();}
 */
public final class KafkaTestBroker implements BeforeAllCallback, AfterAllCallback {
    private KafkaClusterTestKit cluster;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("auto.create.topics.enable", "false")
                .build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** A port nothing listens on right now, for servers that must be restarted on the same port. */
    public static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    public void createTopics(Collection<String> names, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            admin.createTopics(names.stream().map(n -> new NewTopic(n, partitions, (short) 1)).toList()).all().get();
        }
    }

    /**
     * Everything committed on {@code topic}, read from the beginning with {@code isolation.level=read_committed},
     * as an independent consumer sees it. Polls until {@code expected} records arrived or {@code timeout} passed.
     */
    public <K, V> List<ConsumerRecord<K, V>> readCommitted(String topic, Deserializer<K> keys, Deserializer<V> values,
                                                          int expected, Duration timeout) {
        return readCommitted(bootstrapServers(), topic, keys, values, expected, timeout);
    }

    /** {@link #readCommitted(String, Deserializer, Deserializer, int, Duration)} from any cluster. */
    public static <K, V> List<ConsumerRecord<K, V>> readCommitted(String bootstrapServers, String topic, Deserializer<K> keys,
                                                                 Deserializer<V> values, int expected, Duration timeout) {
        return readCommitted(bootstrapServers, topic, keys, values, expected, timeout, Duration.ZERO);
    }

    /**
     * Like {@link #readCommitted(String, Deserializer, Deserializer, int, Duration)}, then goes on polling for
     * {@code linger} after {@code expected} records arrived, so that a duplicate would be seen too.
     */
    public static <K, V> List<ConsumerRecord<K, V>> readCommitted(String bootstrapServers, String topic, Deserializer<K> keys,
                                                                 Deserializer<V> values, int expected, Duration timeout,
                                                                 Duration linger) {
        return readCommittedUntil(bootstrapServers, topic, keys, values, records -> records.size() >= expected, timeout, linger);
    }

    /** Reads committed records from the beginning until {@code done} holds (or {@code timeout}), then for {@code linger} more. */
    public static <K, V> List<ConsumerRecord<K, V>> readCommittedUntil(String bootstrapServers, String topic, Deserializer<K> keys,
                                                                      Deserializer<V> values,
                                                                      java.util.function.Predicate<List<ConsumerRecord<K, V>>> done,
                                                                      Duration timeout, Duration linger) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ConsumerRecord<K, V>> records = new ArrayList<>();
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(config, keys, values)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!done.test(records) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            long lingerUntil = System.nanoTime() + linger.toNanos();
            while (System.nanoTime() < lingerUntil) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
