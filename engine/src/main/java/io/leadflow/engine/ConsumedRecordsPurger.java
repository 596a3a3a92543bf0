package io.leadflow.engine;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Deletes what the engine has consumed from the topics it re-keys through itself ({@code Topic#purgedOnceConsumed}),
 * up to the offsets its consumer group committed — the way Kafka Streams purges its own repartition topics. Those
 * topics have no time retention, so this is what keeps them small. Under exactly-once a committed offset is past
 * only records whose results are committed too, so nothing deleted is ever needed again. Every instance may run
 * one: deleting up to the same committed offset twice is harmless.
 */
public final class ConsumedRecordsPurger implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConsumedRecordsPurger.class);

    private final Admin admin;
    private final String groupId;
    private final Set<String> topics;
    private final Map<TopicPartition, Long> purgedTo = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "leadflow-purger");
        thread.setDaemon(true);
        return thread;
    });

    public ConsumedRecordsPurger(Admin admin, String groupId, Collection<String> topics) {
        this.admin = admin;
        this.groupId = groupId;
        this.topics = Set.copyOf(topics);
    }

    public ConsumedRecordsPurger start(Duration interval) {
        timer.scheduleWithFixedDelay(this::purgeQuietly, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** @return how many partitions had something new to delete */
    public int purge() throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata()
                .get(30, TimeUnit.SECONDS);
        Map<TopicPartition, RecordsToDelete> deletions = new HashMap<>();
        committed.forEach((partition, offset) -> {
            if (offset != null && topics.contains(partition.topic()) && offset.offset() > purgedTo.getOrDefault(partition, 0L)) {
                deletions.put(partition, RecordsToDelete.beforeOffset(offset.offset()));
            }
        });
        if (!deletions.isEmpty()) {
            admin.deleteRecords(deletions).all().get(30, TimeUnit.SECONDS);
            deletions.forEach((partition, delete) -> purgedTo.put(partition, delete.beforeOffset()));
        }
        return deletions.size();
    }

    private void purgeQuietly() {
        try {
            purge();
        } catch (Exception e) {
            // the broker may be away for a while: the next round deletes what this one could not
            log.warn("Could not purge consumed records of {}: {}", topics, e.toString());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        admin.close(Duration.ofSeconds(5));
    }
}
