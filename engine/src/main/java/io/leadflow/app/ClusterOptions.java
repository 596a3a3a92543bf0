package io.leadflow.app;

import io.leadflow.config.LeadflowConfig;
import io.leadflow.kafka.KafkaClientConfig;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Where the Kafka cluster and the schema registry are and how to reach them, and the tenants' configuration file. Env vars work too. */
public final class ClusterOptions {
    @Option(names = "--bootstrap-servers", defaultValue = "${env:LEADFLOW_BOOTSTRAP_SERVERS:-127.0.0.1:9092}",
            description = "Kafka bootstrap servers (env LEADFLOW_BOOTSTRAP_SERVERS; default ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(names = "--schema-registry-url", defaultValue = "${env:LEADFLOW_SCHEMA_REGISTRY_URL:-http://127.0.0.1:8081}",
            description = "Confluent-compatible Schema Registry URL(s), comma-separated; Apicurio: http://host:port/apis/ccompat/v7 "
                    + "(env LEADFLOW_SCHEMA_REGISTRY_URL; default ${DEFAULT-VALUE}).")
    String schemaRegistryUrl;

    @Option(names = "--schema-registry-user-info", defaultValue = "${env:LEADFLOW_SCHEMA_REGISTRY_USER_INFO}",
            description = "user:password for the registry's basic auth (env LEADFLOW_SCHEMA_REGISTRY_USER_INFO).")
    String schemaRegistryUserInfo;

    @Option(names = "--kafka-config", defaultValue = "${env:LEADFLOW_KAFKA_CONFIG}", paramLabel = "<file>",
            description = "Kafka client properties for every connection to the cluster — security.protocol, sasl.*, ssl.*, "
                    + "client.dns.lookup ... —, the file Kafka's tools take as --command-config (env LEADFLOW_KAFKA_CONFIG).")
    Path kafkaConfig;

    @Option(names = "--kafka-property", paramLabel = "<name=value>",
            description = "One Kafka client property, over --kafka-config's; repeatable.")
    Map<String, String> kafkaProperties = new HashMap<>();

    @Option(names = "--config", defaultValue = "${env:LEADFLOW_CONFIG}",
            description = "Tenants' YAML configuration (env LEADFLOW_CONFIG); default: the bundled one with tenant 'demo'.")
    Path config;

    /** Shares the Kafka client settings with every client this process creates; the cluster's bootstrap servers. */
    public String connect() throws IOException {
        KafkaClientConfig.share(KafkaClientConfig.load(kafkaConfig, kafkaProperties));
        return bootstrapServers;
    }

    public LeadflowConfig loadConfig() {
        return LeadflowConfig.load(config);
    }

    /** Serde and registry-client settings, in Confluent's config names. */
    public Map<String, String> registryConfig() {
        Map<String, String> c = new HashMap<>();
        c.put("schema.registry.url", schemaRegistryUrl);
        if (schemaRegistryUserInfo != null && !schemaRegistryUserInfo.isBlank()) {
            c.put("basic.auth.credentials.source", "USER_INFO");
            c.put("basic.auth.user.info", schemaRegistryUserInfo);
        }
        return c;
    }
}
