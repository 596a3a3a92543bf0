package io.leadflow.kafka;

import org.apache.kafka.clients.CommonClientConfigs;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * What every Kafka client of this process shares besides the cluster's address: how to reach the cluster — TLS, SASL,
 * DNS lookup, {@code client.rack}, timeouts — from a Kafka client properties file ({@code --kafka-config}, the file
 * Kafka's own tools take as {@code --command-config}) and {@code --kafka-property key=value}. A leadflow process talks
 * to one cluster, so this is set once at start-up ({@link #share}) and every client leadflow creates starts from it
 * ({@link #of}); what a client sets for its own semantics (idempotence, isolation, transactions) always wins.
 */
public final class KafkaClientConfig {
    /** Settings leadflow's guarantees rest on, or that it sets per client: a shared file may not change them. */
    static final Set<String> LEADFLOW_OWNS = Set.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "processing.guarantee",
            "application.id", CommonClientConfigs.GROUP_ID_CONFIG, "isolation.level", "enable.idempotence", "transactional.id",
            "acks", "enable.auto.commit", "key.serializer", "value.serializer", "key.deserializer", "value.deserializer");

    private static volatile Map<String, Object> shared = Map.of();

    private KafkaClientConfig() {
    }

    /** The settings of every client this process creates from now on. */
    public static void share(Map<String, String> properties) {
        shared = Map.copyOf(properties);
    }

    /** A client's configuration: the shared settings, the cluster, then the client's own. */
    public static Map<String, Object> of(String bootstrapServers, Map<String, ?> own) {
        Map<String, Object> config = new HashMap<>(shared);
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.putAll(own);
        return config;
    }

    /**
     * The properties of {@code file} (none when null), then {@code overrides}.
     *
     * @throws IllegalArgumentException naming the setting, for one leadflow sets itself
     */
    public static Map<String, String> load(Path file, Map<String, String> overrides) throws IOException {
        Map<String, String> loaded = new TreeMap<>();
        if (file != null) {
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(file)) {
                properties.load(reader);
            }
            properties.stringPropertyNames().forEach(name -> loaded.put(name, properties.getProperty(name).trim()));
        }
        loaded.putAll(overrides);
        for (String name : loaded.keySet()) {
            if (LEADFLOW_OWNS.contains(name)) {
                throw new IllegalArgumentException("'" + name + "' cannot be set in the Kafka client configuration"
                        + (file == null ? "" : " (" + file + ")") + ": " + (name.equals(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)
                        ? "the cluster is --bootstrap-servers" : "leadflow sets it itself, its exactly-once guarantees depend on it"));
            }
        }
        return loaded;
    }
}
