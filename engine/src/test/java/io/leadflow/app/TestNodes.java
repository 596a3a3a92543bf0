package io.leadflow.app;

import io.leadflow.config.LeadflowConfig;
import io.leadflow.http.HealthChecks;

import java.nio.file.Path;
import java.util.Map;

/** A leadflow process (engine, and the connectors as asked) on a test cluster, HTTP on a free loopback port. */
final class TestNodes {
    private TestNodes() {
    }

    static LeadflowNode start(String bootstrapServers, Map<String, String> registry, LeadflowConfig config, String applicationId,
                              Path stateDir, int partitions, LeadflowNode.Gateway gateway) {
        HttpOptions http = HttpOptions.of("127.0.0.1", 0, 256 * 1024);
        EngineOptions engine = new EngineOptions();
        engine.applicationId = applicationId;
        engine.stateDir = stateDir;
        engine.streamThreads = 1;
        engine.partitions = partitions;
        engine.replicationFactor = 1;
        engine.standbyReplicas = 0;
        return LeadflowNode.start(bootstrapServers, registry, config, http, engine, gateway, new HealthChecks());
    }
}
