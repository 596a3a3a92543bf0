package io.leadflow.local;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node Kafka broker (KRaft, broker + controller in one process) for local mode, with its
 * log under {@code dataDir} so topics and data survive restarts. Kafka's own server classes, no mocks.
 */
public final class LocalKafkaBroker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalKafkaBroker.class);

    private final KafkaRaftServer server;
    private final String bootstrapServers;

    private LocalKafkaBroker(KafkaRaftServer server, String bootstrapServers) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * Formats {@code dataDir} on first use only (a new cluster id on every start would orphan the data),
     * starts the broker and waits until it answers.
     */
    public static LocalKafkaBroker start(Path dataDir, String host, int port, int controllerPort) {
        Properties props = brokerProperties(dataDir, host, port, controllerPort);
        formatIfNew(dataDir, props);
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        server.startup();
        LocalKafkaBroker broker = new LocalKafkaBroker(server, host + ":" + port);
        broker.awaitReady(Duration.ofSeconds(60));
        return broker;
    }

    static Properties brokerProperties(Path dataDir, String host, int port, int controllerPort) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@" + host + ":" + controllerPort);
        p.put("listeners", "PLAINTEXT://" + host + ":" + port + ",CONTROLLER://" + host + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + host + ":" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", dataDir.toAbsolutePath().toString());
        p.put("num.partitions", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // leadflow creates its topics with explicit settings; a typo must not create a new one
        p.put("auto.create.topics.enable", "false");
        return p;
    }

    private static void formatIfNew(Path dataDir, Properties props) {
        if (Files.exists(dataDir.resolve("meta.properties"))) {
            return;
        }
        try {
            Files.createDirectories(dataDir);
            Path configFile = dataDir.resolve("server.properties");
            try (var out = Files.newBufferedWriter(configFile)) {
                props.store(out, "leadflow local broker");
            }
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            int rc = StorageTool.execute(new String[]{"format", "-t", Uuid.randomUuid().toString(), "-c", configFile.toString()},
                    new PrintStream(output, true, StandardCharsets.UTF_8));
            if (rc != 0) {
                throw new IllegalStateException("Formatting " + dataDir + " failed: " + output.toString(StandardCharsets.UTF_8));
            }
            log.info("Formatted new Kafka log directory {}", dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitReady(Duration timeout) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            close();
            throw new IllegalStateException("Kafka broker on " + bootstrapServers + " did not become ready", e);
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }
}
