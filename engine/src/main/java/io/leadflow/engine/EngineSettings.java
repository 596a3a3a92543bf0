package io.leadflow.engine;

import io.leadflow.engine.state.BoundedRocksDbMemory;
import io.leadflow.kafka.KafkaClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

import java.nio.file.Path;
import java.util.Map;

/**
 * The Kafka Streams configuration of the engine. Exactly-once is not optional: a lead, an assignment or
 * an alert must be neither lost nor doubled when a process dies.
 *
 * @param replicationFactor for internal topics (changelogs); 1 only on a single-broker local cluster
 * @param instanceId        stable identity of this instance across restarts (static group membership), or
 *                          null: with it, an instance restarted after a crash takes its partitions back at
 *                          once instead of waiting for the session timeout to evict its old self
 * @param applicationServer host:port of this instance's HTTP API as the other instances reach it, or null:
 *                          with it, a lead query that lands on the wrong instance is answered by the right one
 * @param rocksDbMemoryBytes what all the process's RocksDB stores may hold off-heap together ({@link BoundedRocksDbMemory})
 */
public record EngineSettings(String applicationId, String bootstrapServers, Map<String, String> registryConfig,
                             Path stateDir, int streamThreads, int replicationFactor, int standbyReplicas,
                             String instanceId, String applicationServer, long rocksDbMemoryBytes) {

    /** With the default RocksDB budget. */
    public EngineSettings(String applicationId, String bootstrapServers, Map<String, String> registryConfig, Path stateDir,
                          int streamThreads, int replicationFactor, int standbyReplicas, String instanceId, String applicationServer) {
        this(applicationId, bootstrapServers, registryConfig, stateDir, streamThreads, replicationFactor, standbyReplicas, instanceId,
                applicationServer, BoundedRocksDbMemory.DEFAULT_MEMORY_BYTES);
    }

    public Map<String, Object> streamsProperties() {
        // the cluster, how every Streams client reaches it (TLS, SASL), and the registry's settings for the serdes
        Map<String, Object> p = KafkaClientConfig.of(bootstrapServers, registryConfig);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().toString());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, streamThreads);
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, replicationFactor);
        p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, standbyReplicas);
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandlers.Deserialization.class);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandlers.Processing.class);
        p.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandlers.Production.class);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        if (instanceId != null && !instanceId.isBlank()) {
            p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), instanceId);
        }
        if (applicationServer != null) {
            p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, applicationServer);
        }
        p.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbMemory.class);
        p.put(BoundedRocksDbMemory.MEMORY_CONFIG, rocksDbMemoryBytes);
        p.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
        p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
        return p;
    }
}
