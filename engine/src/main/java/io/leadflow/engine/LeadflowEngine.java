package io.leadflow.engine;

import io.leadflow.http.HealthChecks.Health;
import io.leadflow.kafka.KafkaClientConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Properties;

/** The running engine: one KafkaStreams instance over {@link EngineTopology}, with its health. */
public final class LeadflowEngine implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LeadflowEngine.class);

    /** Often enough that the re-keyed topics stay small, rarely enough to cost nothing. */
    static final Duration PURGE_INTERVAL = Duration.ofSeconds(30);

    private final Topology topology;
    private final String bootstrapServers;
    private final KafkaStreams streams;
    private final ConsumedRecordsPurger purger;

    /** @param purgedOnceConsumed topics the engine re-keys through itself, deleted as it consumes them */
    public LeadflowEngine(Topology topology, EngineSettings settings, Collection<String> purgedOnceConsumed) {
        Properties props = new Properties();
        props.putAll(settings.streamsProperties());
        this.topology = topology;
        this.bootstrapServers = settings.bootstrapServers();
        this.streams = new KafkaStreams(topology, props);
        // Bad records are dead-lettered by the handlers; what still escapes is a broken thread: replace it.
        streams.setUncaughtExceptionHandler(e -> {
            log.error("Stream thread failed; replacing it", e);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.setStateListener((now, before) -> log.info("Engine {} -> {}", before, now));
        this.purger = new ConsumedRecordsPurger(Admin.create(KafkaClientConfig.of(settings.bootstrapServers(), Map.of())), settings.applicationId(), purgedOnceConsumed);
    }

    /** @throws IllegalArgumentException when topics read together have different partition counts ({@link CoPartitioning}) */
    public LeadflowEngine start() {
        try (Admin admin = Admin.create(KafkaClientConfig.of(bootstrapServers, Map.of()))) {
            CoPartitioning.check(admin, topology);
        }
        streams.start();
        purger.start(PURGE_INTERVAL);
        return this;
    }

    /** Waits until the engine has its partitions and is processing. */
    public void awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline || !streams.state().isRunningOrRebalancing() && streams.state() != KafkaStreams.State.CREATED) {
                throw new IllegalStateException("Engine is " + streams.state() + " after " + timeout);
            }
            Thread.sleep(50);
        }
    }

    public Health health() {
        KafkaStreams.State state = streams.state();
        return switch (state) {
            case RUNNING -> Health.up("RUNNING");
            case CREATED, REBALANCING -> Health.starting(state.name());
            case ERROR, PENDING_ERROR -> Health.failed(state.name() + ": every stream thread died; restart the process");
            default -> Health.down(state.name());
        };
    }

    public KafkaStreams streams() {
        return streams;
    }

    /**
     * Commits and leaves the consumer group, so the partitions move at once — to the other instances, or
     * to this one when it restarts — instead of after the session timeout.
     */
    @Override
    public void close() {
        purger.close();
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
    }
}
