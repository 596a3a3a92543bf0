package io.leadflow.app;

import io.leadflow.config.LeadflowConfig;
import io.leadflow.http.HealthChecks;
import io.leadflow.http.HealthChecks.Health;
import io.leadflow.local.LocalKafkaBroker;
import io.leadflow.registry.server.EmbeddedSchemaRegistry;
import io.leadflow.simulate.SimulatedAmoCrm;
import io.leadflow.simulate.Simulator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

@Command(name = "local", mixinStandardHelpOptions = true,
        description = "Run everything in one process: a real Kafka broker (KRaft), a schema registry, the engine, "
                + "the gateway and the HTTP API. Data lives under --data-dir and survives restarts.")
final class LocalCommand implements Callable<Integer> {
    private static final String HOST = "127.0.0.1";

    @Option(names = "--data-dir", defaultValue = "${env:LEADFLOW_DATA_DIR:-./data}",
            description = "Broker log, registry and engine state (default ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--kafka-port", defaultValue = "9092", description = "Broker port (default ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(names = "--controller-port", defaultValue = "9093", description = "KRaft controller port (default ${DEFAULT-VALUE}).")
    int controllerPort;

    @Option(names = "--registry-port", defaultValue = "8081", description = "Schema registry port (default ${DEFAULT-VALUE}).")
    int registryPort;

    @Option(names = "--config", defaultValue = "${env:LEADFLOW_CONFIG}",
            description = "Tenants' YAML configuration; default: the bundled one with tenant 'demo'.")
    Path config;

    @Option(names = "--demo", arity = "0..1", fallbackValue = "2", defaultValue = "0",
            description = "Send simulated signed webhooks of every configured vendor for every tenant to the gateway, "
                    + "N calls per second (--demo alone: 2/s); see 'leadflow simulate'.")
    double demoRate;

    @Option(names = "--partitions", defaultValue = "4", description = "Partitions per topic (default ${DEFAULT-VALUE}).")
    int partitions;

    @Mixin
    HttpOptions http;

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        LeadflowConfig tenants = LeadflowConfig.load(config);
        LocalKafkaBroker broker = LocalKafkaBroker.start(dataDir.resolve("kafka"), HOST, kafkaPort, controllerPort);
        EmbeddedSchemaRegistry registry = null;
        LeadflowNode node = null;
        Simulator demo = null;
        SimulatedAmoCrm demoCrm = null;
        try {
            if (demoRate > 0) {
                // demo deals live in simulated amoCRM accounts, which the engine asks for each deal's client
                demoCrm = SimulatedAmoCrm.start(HOST);
                tenants = demoCrm.serving(tenants, HOST);
            }
            registry = EmbeddedSchemaRegistry.start(new EmbeddedSchemaRegistry.Config(
                    broker.bootstrapServers(), HOST, registryPort, "_schemas", (short) 1));
            EmbeddedSchemaRegistry schemaRegistry = registry;
            HealthChecks health = new HealthChecks().add("schemaRegistry",
                    () -> schemaRegistry.isRunning() ? Health.up(schemaRegistry.url()) : Health.down("not serving"));
            node = LeadflowNode.start(broker.bootstrapServers(), java.util.Map.of("schema.registry.url", registry.url()),
                    tenants, http, localEngine(), LeadflowNode.Gateway.WEBHOOKS_AND_POLLERS, health);
            node.awaitEngineRunning(Duration.ofMinutes(2));
            String base = "http://" + ("0.0.0.0".equals(http.host) ? HOST : http.host) + ":" + node.httpPort();
            if (demoRate > 0) {
                // a new seed per run: a restarted demo must not resend ids the engine already saw
                demo = SimulateCommand.startLive(URI.create(base), SimulateCommand.select(tenants, null),
                        System.currentTimeMillis(), demoRate, 4, demoCrm);
            }
            printBanner(broker, registry, base, (System.nanoTime() - t0) / 1e9);
        } catch (RuntimeException e) {
            closeQuietly(demo, demoCrm, node, registry, broker);
            throw e;
        }
        UntilStopped.await(demo, demoCrm, node, registry, broker);
        return 0;
    }

    private EngineOptions localEngine() {
        EngineOptions engine = new EngineOptions();
        engine.applicationId = "leadflow-engine";
        engine.stateDir = dataDir.resolve("streams");
        engine.streamThreads = 1;
        engine.partitions = partitions;
        engine.replicationFactor = 1;
        engine.standbyReplicas = 0;
        engine.instanceId = "leadflow-local";
        return engine;
    }

    private void printBanner(LocalKafkaBroker broker, EmbeddedSchemaRegistry registry, String base, double seconds) {
        System.out.printf("""

                leadflow local mode is up (%.1f s)
                  Kafka broker      %s   (KRaft, data in %s)
                  Schema registry   %s
                  Gateway + API     %s   (GET %s/health)
                  Webhooks          %s/hooks/{tenant}/{mango|zadarma|calltouch|bitrix24|amocrm}   (docs/connectors.md)
                  Demo traffic      %s
                Press Ctrl-C to stop.
                %n""", seconds, broker.bootstrapServers(), dataDir.toAbsolutePath().normalize(), registry.url(), base, base, base,
                demoRate > 0 ? demoRate + " calls/s, every configured vendor; deals in simulated amoCRM accounts" : "off (add --demo)");
    }

    private static void closeQuietly(AutoCloseable... parts) {
        for (AutoCloseable part : parts) {
            if (part != null) {
                try {
                    part.close();
                } catch (Exception ignored) {
                    // start-up already failed; the original error is what the user needs to see
                }
            }
        }
    }
}
