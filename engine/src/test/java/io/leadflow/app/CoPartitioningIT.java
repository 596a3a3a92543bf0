package io.leadflow.app;

import io.leadflow.avro.Vendor;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.registry.client.SchemaRegistryClients;
import io.leadflow.testing.KafkaTestBroker;
import io.leadflow.topics.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An engine whose inputs are not co-partitioned refuses to start, naming them, instead of splitting contacts between tasks. */
class CoPartitioningIT {
    @RegisterExtension
    static final KafkaTestBroker KAFKA = new KafkaTestBroker();
    private static final String SCOPE = "co-partitioning-it";

    @TempDir
    static Path stateDir;

    @AfterAll
    static void dropRegistry() {
        SchemaRegistryClients.dropScope(SCOPE);
    }

    @Test
    void anEngineWhoseLeadInputsHaveDifferentPartitionCountsDoesNotStart() throws Exception {
        // Given the raw Zadarma topic made by hand with 2 partitions, while the engine makes the others with 4
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(Topics.rawTopicName(Vendor.ZADARMA), 2, (short) 1))).all().get();
        }

        // When the engine starts, Then it refuses, naming the topics and their counts
        assertThatThrownBy(() -> TestNodes.start(KAFKA.bootstrapServers(), Map.of("schema.registry.url", "mock://" + SCOPE),
                LeadflowConfig.load(null), SCOPE, stateDir, 4, LeadflowNode.Gateway.OFF))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("same number of partitions")
                .hasMessageContaining(Topics.CONTACT_EVENTS + " (4)")
                .hasMessageContaining(Topics.rawTopicName(Vendor.ZADARMA) + " (2)");
    }
}
