package io.leadflow.http;

import io.leadflow.http.HealthChecks.Health;
import io.leadflow.kafka.KafkaClientConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Asks the Kafka cluster to describe itself: UP with the broker count when it answers within two seconds. */
public final class KafkaClusterHealth implements Supplier<Health>, AutoCloseable {
    private static final int TIMEOUT_MS = 2_000;
    private final Admin admin;

    public KafkaClusterHealth(String bootstrapServers) {
        this.admin = Admin.create(KafkaClientConfig.of(bootstrapServers, Map.of(
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_MS,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_MS)));
    }

    @Override
    public Health get() {
        try {
            int brokers = admin.describeCluster(new DescribeClusterOptions().timeoutMs(TIMEOUT_MS))
                    .nodes().get(TIMEOUT_MS, TimeUnit.MILLISECONDS).size();
            return Health.up(brokers + (brokers == 1 ? " broker" : " brokers"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Health.down("interrupted");
        } catch (Exception e) {
            return Health.down("cluster not answering: " + e.getClass().getSimpleName());
        }
    }

    @Override
    public void close() {
        admin.close();
    }
}
