package io.leadflow.kafka;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KafkaClientConfigTest {
    @TempDir
    Path dir;

    @AfterEach
    void shareNothing() {
        KafkaClientConfig.share(Map.of());
    }

    @Test
    void aClientStartsFromTheSharedFileAndOverridesWithTheClusterAndItsOwnSettingsOnTop() throws IOException {
        // Given a client properties file as Kafka's tools take it, and one property overridden on the command line
        Path file = Files.writeString(dir.resolve("kafka.properties"), """
                # Confluent Cloud
                security.protocol=SASL_SSL
                sasl.mechanism=PLAIN
                sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";
                request.timeout.ms=20000
                session.timeout.ms = 30000
                """);
        KafkaClientConfig.share(KafkaClientConfig.load(file, Map.of("request.timeout.ms", "40000")));

        // When a client is configured
        Map<String, Object> config = KafkaClientConfig.of("kafka-1:9092", Map.of("session.timeout.ms", 10_000, "acks", "all"));

        // Then it has the file's settings, the override, the cluster, and its own settings where they meet the file's
        assertThat(config).containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "PLAIN")
                .containsEntry("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"p\";")
                .containsEntry("request.timeout.ms", "40000").containsEntry("bootstrap.servers", "kafka-1:9092")
                .containsEntry("session.timeout.ms", 10_000).containsEntry("acks", "all");
    }

    @Test
    void withoutAFileEveryClientHasOnlyTheClusterAndItsOwnSettings() throws IOException {
        KafkaClientConfig.share(KafkaClientConfig.load(null, Map.of()));
        assertThat(KafkaClientConfig.of("127.0.0.1:9092", Map.of("group.id", "g")))
                .isEqualTo(Map.of("bootstrap.servers", "127.0.0.1:9092", "group.id", "g"));
    }

    @Test
    void settingsTheGuaranteesRestOnCannotBeChangedAndTheErrorNamesThem() throws IOException {
        Path file = Files.writeString(dir.resolve("kafka.properties"), "isolation.level=read_uncommitted\n");
        assertThatThrownBy(() -> KafkaClientConfig.load(file, Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'isolation.level'").hasMessageContaining(file.toString());
        assertThatThrownBy(() -> KafkaClientConfig.load(null, Map.of("bootstrap.servers", "elsewhere:9092")))
                .hasMessageContaining("--bootstrap-servers");
        assertThatThrownBy(() -> KafkaClientConfig.load(null, Map.of("processing.guarantee", "at_least_once")))
                .hasMessageContaining("exactly-once");
    }
}
