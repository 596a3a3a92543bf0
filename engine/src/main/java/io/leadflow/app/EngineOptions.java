package io.leadflow.app;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** How the engine runs on this instance. */
public final class EngineOptions {
    @Option(names = "--application-id", defaultValue = "${env:LEADFLOW_APPLICATION_ID:-leadflow-engine}",
            description = "Kafka Streams application id; instances with the same id share the work (default ${DEFAULT-VALUE}).")
    String applicationId;

    @Option(names = "--instance-id", defaultValue = "${env:LEADFLOW_INSTANCE_ID}",
            description = "Stable name of this instance, e.g. the pod name of a StatefulSet: a restarted instance then "
                    + "takes its partitions back at once (static group membership). Unique per instance.")
    String instanceId;

    @Option(names = "--advertised-host", defaultValue = "${env:LEADFLOW_ADVERTISED_HOST}",
            description = "Host name the other engine instances reach this one's HTTP API at, for lead queries that "
                    + "land on the wrong instance (e.g. the pod's DNS name); default: the --http-host, or 127.0.0.1 for 0.0.0.0.")
    String advertisedHost;

    @Option(names = "--state-dir", defaultValue = "${env:LEADFLOW_STATE_DIR:-./data/streams}",
            description = "Where RocksDB state lives; keep it on a persistent volume (default ${DEFAULT-VALUE}).")
    Path stateDir;

    @Option(names = "--stream-threads", defaultValue = "${env:LEADFLOW_STREAM_THREADS:-1}",
            description = "Stream threads on this instance (default ${DEFAULT-VALUE}).")
    int streamThreads;

    @Option(names = "--partitions", defaultValue = "${env:LEADFLOW_PARTITIONS:-4}",
            description = "Partitions for topics leadflow creates; the ceiling on parallelism (default ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--replication-factor", defaultValue = "${env:LEADFLOW_REPLICATION_FACTOR:-3}",
            description = "Replication of the topics leadflow creates, changelogs included (default ${DEFAULT-VALUE}; local mode uses 1).")
    short replicationFactor;

    @Option(names = "--standby-replicas", defaultValue = "${env:LEADFLOW_STANDBY_REPLICAS:-0}",
            description = "Warm copies of each state store on other instances, for fast fail-over (default ${DEFAULT-VALUE}).")
    int standbyReplicas;

    @Option(names = "--rocksdb-memory-mb", defaultValue = "${env:LEADFLOW_ROCKSDB_MEMORY_MB:-256}",
            description = "Off-heap memory all state stores of the process share: block cache, memtables, indexes (default ${DEFAULT-VALUE}).")
    long rocksDbMemoryMb = 256;
}
