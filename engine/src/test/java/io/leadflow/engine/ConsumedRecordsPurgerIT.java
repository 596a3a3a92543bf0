package io.leadflow.engine;

import io.leadflow.registry.client.SchemaRegistryClients;
import io.leadflow.testing.KafkaTestBroker;
import io.leadflow.topics.Topic;
import io.leadflow.topics.Topics;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The engine's re-keyed topics on a real broker: kept until consumed, then deleted up to the committed offset. */
class ConsumedRecordsPurgerIT {
    @RegisterExtension
    static final KafkaTestBroker KAFKA = new KafkaTestBroker();

    @Test
    void deletesWhatTheGroupCommittedPastAndNothingElse() throws Exception {
        try (Admin admin = admin()) {
            // Given 10 records of a re-keyed topic, of which the engine's group committed 6
            String topic = "purge-me";
            KAFKA.createTopics(List.of(topic, "keep-me"), 1);
            produce(topic, 10);
            produce("keep-me", 10);
            TopicPartition partition = new TopicPartition(topic, 0);
            TopicPartition other = new TopicPartition("keep-me", 0);
            admin.alterConsumerGroupOffsets("engine", Map.of(partition, new OffsetAndMetadata(6), other, new OffsetAndMetadata(6)))
                    .all().get();

            // When the purger runs
            try (ConsumedRecordsPurger purger = new ConsumedRecordsPurger(admin(), "engine", List.of(topic))) {
                assertThat(purger.purge()).isEqualTo(1);
                assertThat(purger.purge()).as("nothing new committed: nothing to do").isZero();
            }

            // Then the consumed records are gone, the rest and other topics untouched
            assertThat(earliest(admin, partition)).isEqualTo(6);
            assertThat(earliest(admin, other)).isZero();
        }
    }

    @Test
    void aReKeyedTopicCreatedWithTimeRetentionIsSetToKeepRecordsUntilPurged() throws Exception {
        Topics topics = new Topics(SchemaRegistryClients.fromConfig(Map.of("schema.registry.url", "mock://purger")),
                Map.of("schema.registry.url", "mock://purger"));
        Topic<?, ?> commands = topics.channelDeltas();
        try (Admin admin = admin()) {
            // Given a re-keyed topic as an older version made it: a week of time retention
            KAFKA.createTopics(List.of(commands.name()), 1);
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, commands.name());
            admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(
                    new ConfigEntry(TopicConfig.RETENTION_MS_CONFIG, "604800000"), AlterConfigOp.OpType.SET)))).all().get();

            // When the engine provisions its topics
            TopicProvisioner.ensure(admin, topics.all(), 1, (short) 1);

            // Then it keeps records until purged (the brokers apply a config change a moment after the controller took
            // it), and topics the engine does not purge keep their time retention
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
            while (!"-1".equals(retention(admin, commands.name())) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(retention(admin, commands.name())).isEqualTo("-1");
            assertThat(retention(admin, topics.alerts().name())).isEqualTo(Long.toString(topics.alerts().retentionMs()));
        }
    }

    private static String retention(Admin admin, String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return admin.describeConfigs(List.of(resource)).all().get().get(resource).get(TopicConfig.RETENTION_MS_CONFIG).value();
    }

    private static long earliest(Admin admin, TopicPartition partition) throws Exception {
        return admin.listOffsets(Map.of(partition, OffsetSpec.earliest())).all().get().get(partition).offset();
    }

    private static void produce(String topic, int count) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                KAFKA.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i)).get();
            }
        }
    }

    private static Admin admin() {
        return Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()));
    }
}
