package io.leadflow.connectors.client;

import io.leadflow.connectors.client.VendorApi.VendorApiException;
import io.leadflow.http.HealthChecks.Health;
import io.leadflow.kafka.KafkaClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A consumer group member on its own thread that hands each batch to a handler which talks to a vendor's API.
 * When the vendor or Kafka fails, nothing after the last committed offset is skipped: the consumer goes back to
 * it and the batch is tried again after a backoff (1 s doubling to 1 min) — an outage delays, never loses.
 * Handlers commit what they finished (in a transaction, or offset by offset).
 */
public final class RetryingConsumer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RetryingConsumer.class);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

    /** Processes a batch and commits what it finished. */
    @FunctionalInterface
    public interface BatchHandler {
        void handle(ConsumerRecords<byte[], byte[]> batch, KafkaConsumer<byte[], byte[]> consumer)
                throws VendorApiException, InterruptedException;
    }

    private final String name;
    private final String topic;
    private final BatchHandler handler;
    private final Runnable afterKafkaError;
    private final Runnable onStop;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final Thread thread;
    private volatile String lastProblem;

    /**
     * @param group           the consumer group, also the thread's name
     * @param afterKafkaError e.g. drop a transactional producer that may be fenced
     * @param onStop          runs on the consumer's thread as it ends
     */
    public RetryingConsumer(String group, String bootstrapServers, String topic, int maxPollRecords, BatchHandler handler,
                            Runnable afterKafkaError, Runnable onStop) {
        this.name = group;
        this.topic = topic;
        this.handler = handler;
        this.afterKafkaError = afterKafkaError;
        this.onStop = onStop;
        this.consumer = new KafkaConsumer<>(KafkaClientConfig.of(bootstrapServers, Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords,
                // a process killed outright holds its partitions until its session times out: keep that short, so a
                // restarted or another gateway goes on delivering within seconds, not Kafka's default 45
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000,
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3_000)), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, group);
        thread.setDaemon(true);
    }

    public RetryingConsumer start() {
        thread.start();
        return this;
    }

    public Health health(String upMessage) {
        String problem = lastProblem;
        return problem == null ? Health.up(upMessage) : Health.down(problem);
    }

    private void run() {
        Duration backoff = Duration.ofSeconds(1);
        try {
            consumer.subscribe(List.of(topic));
            while (!stopped.get()) {
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(500));
                if (batch.isEmpty()) {
                    continue;
                }
                try {
                    handler.handle(batch, consumer);
                    lastProblem = null;
                    backoff = Duration.ofSeconds(1);
                    continue;
                } catch (VendorApiException e) {
                    lastProblem = (e.unauthorized() ? "vendor API refuses our credentials since " : "vendor API unreachable since ")
                            + Instant.now() + ": " + e.getMessage();
                } catch (WakeupException e) {
                    throw e;
                } catch (KafkaException e) { // the broker away, a rebalance, a fenced producer
                    lastProblem = "Kafka unavailable since " + Instant.now() + ": " + e.getMessage();
                    afterKafkaError.run();
                }
                log.warn("{} paused for {} ms: {}", name, backoff.toMillis(), lastProblem);
                rewind(batch);
                Thread.sleep(backoff.toMillis());
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        } catch (WakeupException | InterruptedException e) {
            // closing
        } catch (RuntimeException e) {
            lastProblem = "stopped: " + e;
            log.error("{} stopped", name, e);
        } finally {
            consumer.close();
            onStop.run();
        }
    }

    /** Back to the last committed offset of each partition still ours (else the batch's first record). */
    private void rewind(ConsumerRecords<byte[], byte[]> batch) {
        Map<TopicPartition, OffsetAndMetadata> committed;
        try {
            committed = consumer.committed(batch.partitions(), Duration.ofSeconds(5));
        } catch (KafkaException e) {
            committed = Map.of();
        }
        for (TopicPartition partition : batch.partitions()) {
            if (consumer.assignment().contains(partition)) {
                OffsetAndMetadata done = committed.get(partition);
                long first = batch.records(partition).get(0).offset();
                consumer.seek(partition, done != null && done.offset() >= first ? done.offset() : first);
            }
        }
    }

    @Override
    public void close() {
        stopped.set(true);
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
