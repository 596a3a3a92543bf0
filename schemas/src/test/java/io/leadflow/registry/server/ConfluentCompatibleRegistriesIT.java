package io.leadflow.registry.server;

import io.leadflow.registry.client.RestSchemaRegistryClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.redpanda.RedpandaContainer;

import java.time.Duration;
import java.util.List;

/**
 * leadflow's registry client against the real registries its users run. Needs a Docker engine: where
 * there is none (these build machines) JUnit reports the class as skipped rather than passing silently.
 */
@Testcontainers(disabledWithoutDocker = true)
class ConfluentCompatibleRegistriesIT {
    private static final Network NETWORK = Network.newNetwork();
    private static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:3.9.0")
            .withNetwork(NETWORK).withNetworkAliases("kafka").withListener("kafka:19092");

    @BeforeAll
    static void startKafka() {
        KAFKA.start();
    }

    @AfterAll
    static void stopKafka() {
        KAFKA.stop();
        NETWORK.close();
    }

    @Test
    void confluentSchemaRegistry() {
        try (var registry = new GenericContainer<>("confluentinc/cp-schema-registry:7.9.0")
                .withNetwork(NETWORK)
                .withEnv("SCHEMA_REGISTRY_HOST_NAME", "schema-registry")
                .withEnv("SCHEMA_REGISTRY_LISTENERS", "http://0.0.0.0:8081")
                .withEnv("SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS", "PLAINTEXT://kafka:19092")
                .withExposedPorts(8081)
                .waitingFor(Wait.forHttp("/subjects").forStatusCode(200).withStartupTimeout(Duration.ofMinutes(2)))) {
            registry.start();
            verify("http://" + registry.getHost() + ":" + registry.getMappedPort(8081));
        }
    }

    @Test
    void karapace() {
        try (var registry = new GenericContainer<>("ghcr.io/aiven-open/karapace:4.1.0")
                .withNetwork(NETWORK)
                .withCommand("/bin/bash", "/opt/karapace/start.sh", "registry")
                .withEnv("KARAPACE_ADVERTISED_HOSTNAME", "karapace")
                .withEnv("KARAPACE_BOOTSTRAP_URI", "kafka:19092")
                .withEnv("KARAPACE_HOST", "0.0.0.0")
                .withEnv("KARAPACE_PORT", "8081")
                .withEnv("KARAPACE_GROUP_ID", "karapace-registry")
                .withEnv("KARAPACE_MASTER_ELIGIBILITY", "true")
                .withEnv("KARAPACE_TOPIC_NAME", "_schemas")
                .withExposedPorts(8081)
                .waitingFor(Wait.forHttp("/subjects").forStatusCode(200).withStartupTimeout(Duration.ofMinutes(2)))) {
            registry.start();
            verify("http://" + registry.getHost() + ":" + registry.getMappedPort(8081));
        }
    }

    @Test
    void redpanda() {
        try (var redpanda = new RedpandaContainer("docker.redpanda.com/redpandadata/redpanda:v24.3.1")) {
            redpanda.start();
            verify(redpanda.getSchemaRegistryAddress());
        }
    }

    @Test
    void apicurioConfluentCompatibleApi() {
        try (var registry = new GenericContainer<>("apicurio/apicurio-registry:3.0.6")
                .withExposedPorts(8080)
                .waitingFor(Wait.forHttp("/apis/ccompat/v7/subjects").forStatusCode(200).withStartupTimeout(Duration.ofMinutes(2)))) {
            registry.start();
            verify("http://" + registry.getHost() + ":" + registry.getMappedPort(8080) + "/apis/ccompat/v7");
        }
    }

    private static void verify(String url) {
        RegistryContract.verify(new RestSchemaRegistryClient(List.of(url), null, Duration.ofSeconds(10)));
    }
}
