package io.leadflow.app;

import io.leadflow.http.HealthChecks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

@Command(name = "engine", mixinStandardHelpOptions = true,
        description = "Run the engine (Kafka Streams topologies + HTTP API) against an existing Kafka cluster and schema registry.")
final class EngineCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;
    @Mixin
    HttpOptions http;
    @Mixin
    EngineOptions engine;

    @Override
    public Integer call() throws Exception {
        String kafka = cluster.connect();
        LeadflowNode node = LeadflowNode.start(kafka, cluster.registryConfig(), cluster.loadConfig(),
                http, engine, LeadflowNode.Gateway.OFF, new HealthChecks());
        System.out.printf("leadflow engine '%s' on %s, API on :%d%n", engine.applicationId, kafka, node.httpPort());
        UntilStopped.await(node);
        return 0;
    }
}
