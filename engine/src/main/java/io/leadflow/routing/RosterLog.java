package io.leadflow.routing;

import io.leadflow.avro.RosterEntry;
import io.leadflow.avro.RosterKey;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.kafka.KafkaClientConfig;
import io.leadflow.topics.Topic;
import io.leadflow.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Writes roster changes to {@code leadflow.roster} (idempotent producer, acks=all: a change the API confirmed is
 * durable) and seeds it from the configuration file at start-up.
 */
public final class RosterLog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RosterLog.class);
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(10);

    private final Topic<RosterKey, RosterEntry> topic;
    private final String bootstrapServers;
    private final KafkaProducer<RosterKey, RosterEntry> producer;

    public RosterLog(Topics topics, String bootstrapServers) {
        this.topic = topics.roster();
        this.bootstrapServers = bootstrapServers;
        this.producer = new KafkaProducer<>(KafkaClientConfig.of(bootstrapServers, Map.of(
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) WRITE_TIMEOUT.toMillis(),
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) WRITE_TIMEOUT.toMillis() - 1000)),
                topic.keySerde().serializer(), topic.valueSerde().serializer());
    }

    /** Writes a change (null entry: removes the key) and waits until Kafka has it. */
    public void write(RosterKey key, RosterEntry entry) {
        try {
            producer.send(new ProducerRecord<>(topic.name(), key, entry)).get(WRITE_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted writing the roster", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka did not take the roster change: " + e.getMessage(), e);
        }
    }

    /**
     * Brings the topic in line with the configuration file: adds what the file has and the topic lacks, updates what
     * the file changed, removes what the file dropped — but leaves alone what the HTTP API changed since.
     *
     * @return how many changes were written
     */
    public int seed(LeadflowConfig config, Instant now) {
        Map<RosterKey, RosterEntry> current = readAll();
        Map<RosterKey, RosterEntry> wanted = new HashMap<>();
        config.tenants().forEach((tenant, tenantConfig) ->
                RosterEntries.of(tenant, tenantConfig, now).forEach(e -> wanted.put(RosterEntries.key(e), e)));
        int written = 0;
        for (Map.Entry<RosterKey, RosterEntry> e : wanted.entrySet()) {
            RosterEntry existing = current.get(e.getKey());
            boolean apiOwned = existing != null && RosterEntries.FROM_API.equals(existing.getSource());
            if (!apiOwned && !RosterEntries.sameContent(existing, e.getValue())) {
                write(e.getKey(), e.getValue());
                written++;
            } else if (apiOwned && !RosterEntries.sameContent(existing, e.getValue())) {
                log.info("Roster {} was changed through the API; the configuration file's version is not applied", e.getKey());
            }
        }
        for (Map.Entry<RosterKey, RosterEntry> e : current.entrySet()) {
            if (!wanted.containsKey(e.getKey()) && RosterEntries.FROM_CONFIG.equals(e.getValue().getSource())) {
                write(e.getKey(), null);
                written++;
            }
        }
        return written;
    }

    /** The topic's current content: every key's latest entry. */
    Map<RosterKey, RosterEntry> readAll() {
        Map<RosterKey, RosterEntry> entries = new HashMap<>();
        try (KafkaConsumer<RosterKey, RosterEntry> consumer = new KafkaConsumer<>(KafkaClientConfig.of(bootstrapServers, Map.of(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false)),
                topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("Could not read " + topic.name() + " to its end within 30 s");
                }
                for (ConsumerRecord<RosterKey, RosterEntry> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.value() == null) {
                        entries.remove(record.key());
                    } else {
                        entries.put(record.key(), record.value());
                    }
                }
            }
        }
        return entries;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
