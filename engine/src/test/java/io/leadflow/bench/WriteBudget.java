package io.leadflow.bench;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What an engine run wrote to the broker, per topic: records (data records, read uncommitted, so aborted ones count too:
 * they were written), transaction markers (offsets that are not records), and bytes of log segments on the broker's
 * disk (compressed, as stored). Taken as the difference of two snapshots around a run, read after the timing stops.
 */
final class WriteBudget {
    private final String bootstrapServers;
    private final Path logDirs;
    private final Predicate<String> counted;

    /** @param counted the topics to count (e.g. everything but the input) */
    WriteBudget(String bootstrapServers, Path logDirs, Predicate<String> counted) {
        this.bootstrapServers = bootstrapServers;
        this.logDirs = logDirs;
        this.counted = counted;
    }

    record Snapshot(Map<TopicPartition, Long> endOffsets, Map<String, Long> diskBytes) {
    }

    record Written(String topic, long records, long markers, long bytes) {
    }

    Snapshot snapshot() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            var topics = admin.listTopics().names().get().stream().filter(counted).collect(Collectors.toSet());
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(topics).allTopicNames().get().forEach((name, d) ->
                    d.partitions().forEach(p -> latest.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
            Map<TopicPartition, Long> ends = new HashMap<>();
            admin.listOffsets(latest).all().get().forEach((p, info) -> ends.put(p, info.offset()));
            return new Snapshot(ends, diskBytes());
        }
    }

    /** Per topic, what was written between the two snapshots, largest first. */
    Map<String, Written> between(Snapshot before, Snapshot after) {
        Map<String, long[]> counts = new TreeMap<>(); // records, offsets
        Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted", ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            after.endOffsets.forEach((partition, end) -> {
                long from = before.endOffsets.getOrDefault(partition, 0L);
                long[] c = counts.computeIfAbsent(partition.topic(), t -> new long[2]);
                c[1] += end - from;
                if (end <= from) {
                    return;
                }
                consumer.assign(java.util.List.of(partition));
                consumer.seek(partition, from);
                long position = from;
                long idle = System.nanoTime();
                while (position < end && System.nanoTime() - idle < Duration.ofSeconds(10).toNanos()) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        if (r.offset() < end) {
                            c[0]++;
                        }
                        idle = System.nanoTime();
                    }
                    position = consumer.position(partition);
                }
            });
        }
        Map<String, Written> written = new TreeMap<>();
        counts.forEach((topic, c) -> written.put(topic, new Written(topic, c[0], c[1] - c[0],
                after.diskBytes.getOrDefault(topic, 0L) - before.diskBytes.getOrDefault(topic, 0L))));
        return written;
    }

    /** Log segment bytes per topic (not the preallocated indexes). */
    private Map<String, Long> diskBytes() {
        try (Stream<Path> files = Files.walk(logDirs)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".log"))
                    .filter(f -> f.getParent().getFileName().toString().matches(".+-\\d+"))
                    .collect(Collectors.groupingBy(f -> f.getParent().getFileName().toString().replaceFirst("-\\d+$", ""),
                            Collectors.summingLong(f -> f.toFile().length())))
                    .entrySet().stream().filter(e -> counted.test(e.getKey()))
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
