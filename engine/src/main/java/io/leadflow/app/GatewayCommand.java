package io.leadflow.app;

import io.leadflow.http.HealthChecks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

@Command(name = "gateway", mixinStandardHelpOptions = true,
        description = "Run the vendor webhook gateway alone against an existing Kafka cluster and schema registry.")
final class GatewayCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;
    @Mixin
    HttpOptions http;

    @Option(names = "--no-calltouch-pollers", defaultValue = "${env:LEADFLOW_NO_CALLTOUCH_POLLERS:-false}",
            description = "Do not run the CallTouch reconciliation pollers here. They must run on exactly one gateway "
                    + "instance: pass this to all the others.")
    boolean noPollers;

    @Override
    public Integer call() throws Exception {
        String kafka = cluster.connect();
        LeadflowNode node = LeadflowNode.start(kafka, cluster.registryConfig(), cluster.loadConfig(),
                http, null, noPollers ? LeadflowNode.Gateway.WEBHOOKS : LeadflowNode.Gateway.WEBHOOKS_AND_POLLERS, new HealthChecks());
        System.out.printf("leadflow gateway on :%d, writing to %s%n", node.httpPort(), kafka);
        UntilStopped.await(node);
        return 0;
    }
}
