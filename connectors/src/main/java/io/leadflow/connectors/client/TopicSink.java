package io.leadflow.connectors.client;

import io.leadflow.avro.DeadLetter;
import io.leadflow.avro.RawKey;
import io.leadflow.connectors.client.VendorApi.VendorApiException;
import io.leadflow.http.HealthChecks.Health;
import io.leadflow.kafka.KafkaClientConfig;
import io.leadflow.topics.DeadLetters;
import io.leadflow.topics.Topic;
import io.leadflow.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * Hands the records of one leadflow topic to an outside system, one at a time, in order. Reads read_committed (so
 * it never sees what an aborted engine transaction wrote), gives each record of a tenant it serves to
 * {@link #deliver} and commits the record's offset once the outside system has it: a restart goes on from the first
 * record not delivered, and repeats at most the one in flight. Subclasses speak one system's API.
 * <ul>
 *   <li>No answer, 429, 5xx, or credentials the system refuses: the sink waits and tries again from the first
 *       undelivered record, reporting DOWN meanwhile — an outage or a revoked token delays, never loses.</li>
 *   <li>A request the system refuses for this record alone: the record goes to the dead-letter topic with the
 *       system's answer, and the sink goes on.</li>
 * </ul>
 */
public abstract class TopicSink<V> implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TopicSink.class);

    private final String system;
    private final String stage;
    private final Topic<?, V> topic;
    private final Topic<RawKey, DeadLetter> deadLetter;
    private final KafkaProducer<byte[], byte[]> deadLetters;
    private final RetryingConsumer worker;

    /**
     * @param system the outside system's name for logs, e.g. {@code amoCRM}
     * @param group  the consumer group (one per system, so each keeps its own position)
     * @param stage  the dead letters' stage, e.g. {@code amocrm-lead-sink}
     */
    protected TopicSink(String system, String group, String stage, Topic<?, V> topic, Topics topics, String bootstrapServers) {
        this.system = system;
        this.stage = stage;
        this.topic = topic;
        this.deadLetter = topics.deadLetter();
        this.deadLetters = new KafkaProducer<>(KafkaClientConfig.of(bootstrapServers, Map.of(
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)),
                new ByteArraySerializer(), new ByteArraySerializer());
        this.worker = new RetryingConsumer(group, bootstrapServers, topic.name(), 20, this::deliver, () -> { }, () -> { });
    }

    /** The tenant a record belongs to. */
    protected abstract String tenantOf(V record);

    /** Whether this sink delivers the records of {@code tenant}. */
    protected abstract boolean serves(String tenant);

    /** Delivers one record; safe to repeat. */
    protected abstract void deliver(V record) throws VendorApiException, InterruptedException;

    protected final void start() {
        worker.start();
    }

    public Health health() {
        return worker.health("delivering");
    }

    private void deliver(ConsumerRecords<byte[], byte[]> batch, KafkaConsumer<byte[], byte[]> consumer)
            throws VendorApiException, InterruptedException {
        for (ConsumerRecord<byte[], byte[]> record : batch) {
            V value = topic.valueSerde().deserializer().deserialize(record.topic(), record.value());
            String tenant = tenantOf(value);
            if (serves(tenant)) {
                try {
                    deliver(value);
                } catch (VendorApiException e) {
                    if (e.retriable() || e.unauthorized()) {
                        throw e;
                    }
                    deadLetter(record, tenant, e);
                }
            }
            consumer.commitSync(Map.of(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1)));
        }
    }

    private void deadLetter(ConsumerRecord<byte[], byte[]> record, String tenant, VendorApiException e) {
        String where = record.topic() + "/" + record.partition() + "@" + record.offset();
        log.warn("{} refused {} of {}; dead-lettered: {}", system, where, tenant, e.getMessage());
        try {
            deadLetters.send(DeadLetters.serialized(deadLetter, DeadLetters.keyFor(tenant, record.topic(), record.partition(), record.offset()),
                    DeadLetters.of(tenant, stage, e.getMessage(), e, record.topic(), record.partition(), record.offset(), record.key(),
                            record.value()))).get();
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new org.apache.kafka.common.errors.InterruptException(interrupted);
        } catch (ExecutionException failed) {
            throw new org.apache.kafka.common.KafkaException("Could not dead-letter " + where, failed.getCause());
        }
    }

    @Override
    public void close() {
        worker.close();
        deadLetters.close(Duration.ofSeconds(5));
    }
}
