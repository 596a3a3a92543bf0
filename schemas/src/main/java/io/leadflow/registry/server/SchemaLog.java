package io.leadflow.registry.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leadflow.kafka.KafkaClientConfig;
import io.leadflow.registry.client.CompatibilityLevel;
import io.leadflow.registry.core.SchemaRegistryState;
import io.leadflow.registry.core.SchemaRegistryState.SchemaRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The registry's storage: a compacted single-partition Kafka topic in Confluent's own {@code _schemas}
 * record layout, read to its end on start and appended to (acks=all) before any change is served.
 */
final class SchemaLog implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String topic;
    private final KafkaProducer<String, String> producer;

    private SchemaLog(String topic, KafkaProducer<String, String> producer) {
        this.topic = topic;
        this.producer = producer;
    }

    /** Creates the topic if needed and replays it into {@code state}. */
    static SchemaLog open(String bootstrapServers, String topic, short replicationFactor, SchemaRegistryState state) {
        ensureTopic(bootstrapServers, topic, replicationFactor);
        replay(bootstrapServers, topic, state);
        KafkaProducer<String, String> producer = new KafkaProducer<>(KafkaClientConfig.of(bootstrapServers, Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.CLIENT_ID_CONFIG, "leadflow-schema-registry")), new StringSerializer(), new StringSerializer());
        return new SchemaLog(topic, producer);
    }

    void appendSchema(SchemaRecord record) {
        ObjectNode key = JSON.createObjectNode().put("keytype", "SCHEMA").put("subject", record.subject())
                .put("version", record.version()).put("magic", 1);
        ObjectNode value = JSON.createObjectNode().put("subject", record.subject()).put("version", record.version())
                .put("id", record.id()).put("schema", record.schema()).put("deleted", false);
        append(key, value);
    }

    void appendCompatibility(String subject, CompatibilityLevel level) {
        ObjectNode key = JSON.createObjectNode().put("keytype", "CONFIG").put("subject", subject).put("magic", 0);
        append(key, JSON.createObjectNode().put("compatibilityLevel", level.name()));
    }

    private void append(JsonNode key, JsonNode value) {
        try {
            producer.send(new ProducerRecord<>(topic, 0, key.toString(), value.toString())).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while storing a schema", e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Cannot store to " + topic + ": " + e.getMessage(), e);
        }
    }

    private static void ensureTopic(String bootstrapServers, String topic, short replicationFactor) {
        try (Admin admin = Admin.create(KafkaClientConfig.of(bootstrapServers, Map.of()))) {
            if (!admin.listTopics().names().get().contains(topic)) {
                admin.createTopics(List.of(new NewTopic(topic, 1, replicationFactor)
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)))).all().get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating " + topic, e);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
                throw new IllegalStateException("Cannot create " + topic + ": " + e.getCause().getMessage(), e.getCause());
            }
        }
    }

    private static void replay(String bootstrapServers, String topic, SchemaRegistryState state) {
        TopicPartition partition = new TopicPartition(topic, 0);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(KafkaClientConfig.of(bootstrapServers, Map.of(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")), new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            while (consumer.position(partition) < end) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    apply(record, state);
                }
            }
        }
    }

    private static void apply(ConsumerRecord<String, String> record, SchemaRegistryState state) {
        if (record.key() == null || record.value() == null) {
            return; // tombstones and Confluent's NOOP markers carry no schema
        }
        try {
            JsonNode key = JSON.readTree(record.key());
            JsonNode value = JSON.readTree(record.value());
            switch (key.path("keytype").asText()) {
                case "SCHEMA" -> {
                    if (!value.path("deleted").asBoolean(false)) {
                        state.apply(new SchemaRecord(value.get("subject").asText(), value.get("version").asInt(),
                                value.get("id").asInt(), value.get("schema").asText()));
                    }
                }
                case "CONFIG" -> state.applyCompatibility(key.hasNonNull("subject") ? key.get("subject").asText() : null,
                        SchemaRegistryState.parseLevel(value.get("compatibilityLevel").asText()));
                default -> {
                    // other key types (NOOP, MODE, DELETE_SUBJECT) are not used by this registry
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Corrupt record at offset " + record.offset() + " of the schema topic", e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
