package io.leadflow.testing;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

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
        List<ConsumerRecord<K, V>> records = new ArrayList<>();
        try (KafkaConsumer<K, V> consumer = committedReader(bootstrapServers, keys, values)) {
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

    /**
     * Everything committed on {@code topic}, read from the beginning with {@code isolation.level=read_committed} once
     * no transaction is open on it (one left open by a killed producer hides what was committed after it until it is
     * aborted), up to every partition's end. Unlike waiting for a count, it cannot stop early on a slow machine.
     */
    public static <K, V> List<ConsumerRecord<K, V>> readAllCommitted(String bootstrapServers, String topic, Deserializer<K> keys,
                                                                     Deserializer<V> values, Duration timeout) {
        try (Admin admin = admin(bootstrapServers); KafkaConsumer<K, V> consumer = committedReader(bootstrapServers, keys, values)) {
            long deadline = System.nanoTime() + timeout.toNanos();
            Set<TopicPartition> partitions = partitions(admin, Set.of(topic));
            while (!noOpenTransactions(admin, partitions)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("a transaction stays open on " + topic + " for " + timeout);
                }
                Thread.sleep(200);
            }
            Map<TopicPartition, Long> beginning = new HashMap<>();
            partitions.forEach(p -> beginning.put(p, 0L));
            return readToEnd(consumer, beginning, Duration.ofNanos(Math.max(deadline - System.nanoTime(), 0)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Waits until the Kafka Streams application {@code applicationId} has committed its position past every record on
     * {@code sourceTopics} and on every topic it has been assigned or has committed on (its intermediate and
     * repartition topics). Under exactly-once its outputs are then all committed: a task commits its input offsets
     * in the transaction that writes what they caused. Checked by reading on from the committed offsets rather than
     * comparing them with end offsets, which count transaction markers, and only once no transaction is open on those
     * topics: a read_committed reader, the application's own included, stops at an open one.
     */
    public static void awaitConsumed(String bootstrapServers, String applicationId, Collection<String> sourceTopics, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = admin(bootstrapServers);
             KafkaConsumer<byte[], byte[]> consumer = committedReader(bootstrapServers, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            while (true) {
                // committed offsets first, log ends after: a record counted as consumed cannot have caused one not yet seen
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(applicationId)
                        .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
                Set<String> topics = new HashSet<>(sourceTopics);
                committed.keySet().forEach(p -> topics.add(p.topic()));
                admin.describeConsumerGroups(List.of(applicationId)).describedGroups().get(applicationId).get(30, TimeUnit.SECONDS)
                        .members().forEach(m -> m.assignment().topicPartitions().forEach(p -> topics.add(p.topic())));
                Map<TopicPartition, Long> from = new HashMap<>();
                Set<TopicPartition> partitions = partitions(admin, topics);
                partitions.forEach(p -> from.put(p, committed.get(p) == null ? 0L : committed.get(p).offset()));
                boolean settled = noOpenTransactions(admin, partitions);
                int unconsumed = readToEnd(consumer, from, Duration.ofNanos(Math.max(deadline - System.nanoTime(), 0))).size();
                if (settled && unconsumed == 0) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(applicationId + " has not consumed " + unconsumed + " records of " + topics + " within " + timeout);
                }
                Thread.sleep(200);
            }
        }
    }

    /** No partition's last stable offset is behind its high watermark: every transaction written there is decided. */
    private static boolean noOpenTransactions(Admin admin, Set<TopicPartition> partitions) {
        try {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            partitions.forEach(p -> latest.put(p, OffsetSpec.latest()));
            var stable = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get(30, TimeUnit.SECONDS);
            var written = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED)).all().get(30, TimeUnit.SECONDS);
            return partitions.stream().allMatch(p -> stable.get(p).offset() == written.get(p).offset());
        } catch (Exception e) {
            throw new IllegalStateException("cannot list the offsets of " + partitions, e);
        }
    }

    private static Admin admin(String bootstrapServers) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    private static <K, V> KafkaConsumer<K, V> committedReader(String bootstrapServers, Deserializer<K> keys, Deserializer<V> values) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", // a seek below a purged log start lands on the start
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), keys, values);
    }

    private static Set<TopicPartition> partitions(Admin admin, Set<String> topics) {
        try {
            Set<TopicPartition> partitions = new HashSet<>();
            admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).forEach((name, description) ->
                    description.partitions().forEach(p -> partitions.add(new TopicPartition(name, p.partition()))));
            return partitions;
        } catch (Exception e) {
            throw new IllegalStateException("cannot describe " + topics, e);
        }
    }

    /** The committed records from {@code from} up to each partition's last stable offset as of the start. */
    private static <K, V> List<ConsumerRecord<K, V>> readToEnd(KafkaConsumer<K, V> consumer, Map<TopicPartition, Long> from,
                                                              Duration timeout) {
        consumer.assign(from.keySet());
        from.forEach(consumer::seek);
        Map<TopicPartition, Long> end = consumer.endOffsets(from.keySet()); // the last stable offset, as read_committed
        long deadline = System.nanoTime() + timeout.toNanos();
        List<ConsumerRecord<K, V>> records = new ArrayList<>();
        while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("could not read " + from.keySet() + " to its end within " + timeout);
            }
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        return records;
    }
}
