package io.leadflow.app;

import io.leadflow.http.HealthChecks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

@Command(name = "gateway", mixinStandardHelpOptions = true,
        description = "Run the vendor webhook gateway alone against an existing Kafka cluster and schema registry.")
final class GatewayCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;
    @Mixin
    HttpOptions http;

    @Override
    public Integer call() throws Exception {
        LeadflowNode node = LeadflowNode.start(cluster.bootstrapServers, cluster.registryConfig(), cluster.loadConfig(),
                http, null, true, new HealthChecks());
        System.out.printf("leadflow gateway on :%d, writing to %s%n", node.httpPort(), cluster.bootstrapServers);
        UntilStopped.await(node);
        return 0;
    }
}
