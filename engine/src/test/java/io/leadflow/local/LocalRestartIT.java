package io.leadflow.local;

import io.leadflow.registry.client.RestSchemaRegistryClient;
import io.leadflow.registry.client.SchemaRegistryClients;
import io.leadflow.registry.server.EmbeddedSchemaRegistry;
import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import io.leadflow.testing.KafkaTestBroker;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Local mode's promise: stop it, start it again on the same data dir, and topics, data and schema ids are still there. */
class LocalRestartIT {
    private static final Schema SCHEMA = new Schema.Parser().parse(
            "{\"type\":\"record\",\"name\":\"Probe\",\"namespace\":\"t\",\"fields\":[{\"name\":\"v\",\"type\":\"string\"}]}");

    @TempDir
    Path dataDir;

    @Test
    void topicsDataAndSchemaIdsSurviveARestart() throws Exception {
        int kafkaPort = KafkaTestBroker.freePort();
        int controllerPort = KafkaTestBroker.freePort();
        int registryPort = KafkaTestBroker.freePort();

        // Given a first run that creates a topic, writes a record and registers a schema
        int firstId;
        try (LocalKafkaBroker broker = LocalKafkaBroker.start(dataDir, "127.0.0.1", kafkaPort, controllerPort);
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(config(broker, registryPort))) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("restart-probe", 1, (short) 1))).all().get();
            }
            try (var producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                    ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>("restart-probe", "k", "before restart")).get();
            }
            firstId = client(registry).register("restart-probe-value", SCHEMA);
        }

        // When local mode starts again on the same data directory
        try (LocalKafkaBroker broker = LocalKafkaBroker.start(dataDir, "127.0.0.1", kafkaPort, controllerPort);
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(config(broker, registryPort))) {
            // Then the record and the schema id are still there
            assertThat(readAll(broker.bootstrapServers(), "restart-probe")).extracting(ConsumerRecord::value).containsExactly("before restart");
            var client = client(registry);
            assertThat(client.getLatest("restart-probe-value").id()).isEqualTo(firstId);
            assertThat(client.register("restart-probe-value", SCHEMA)).isEqualTo(firstId);
        }
    }

    private static EmbeddedSchemaRegistry.Config config(LocalKafkaBroker broker, int port) {
        return new EmbeddedSchemaRegistry.Config(broker.bootstrapServers(), "127.0.0.1", port, "_schemas", (short) 1);
    }

    private static RestSchemaRegistryClient client(EmbeddedSchemaRegistry registry) {
        return (RestSchemaRegistryClient) SchemaRegistryClients.fromConfig(Map.of("schema.registry.url", registry.url()));
    }

    private static List<ConsumerRecord<String, String>> readAll(String bootstrap, String topic) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "restart-check", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (records.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
