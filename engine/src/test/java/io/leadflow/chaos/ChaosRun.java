package io.leadflow.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leadflow.app.HttpOptions;
import io.leadflow.app.LeadflowNode;
import io.leadflow.avro.Vendor;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.connectors.gateway.FormBody;
import io.leadflow.http.HealthChecks;
import io.leadflow.local.LocalKafkaBroker;
import io.leadflow.registry.client.SchemaRegistryClients;
import io.leadflow.registry.server.EmbeddedSchemaRegistry;
import io.leadflow.simulate.Delivery;
import io.leadflow.simulate.Simulator;
import io.leadflow.simulate.TrafficGenerator;
import io.leadflow.simulate.TrafficModel;
import io.leadflow.testing.EngineProcess;
import io.leadflow.testing.KafkaTestBroker;
import io.leadflow.topics.Topics;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Chaos under load: simulated Mango Office traffic to a gateway, an engine as its own process killed with SIGKILL again
 * and again and started again, the broker stopped and started once midway; then {@link ChaosChecker} reads what was
 * committed and reports lost and doubled leads, assignments and alerts.
 * <pre>
 * ./mvnw -B -pl engine test-compile org.codehaus.mojo:exec-maven-plugin:3.5.0:java -Dexec.classpathScope=test \
 *   -Dexec.mainClass=io.leadflow.chaos.ChaosRun -Dexec.args="--minutes 10 --calls-per-second 10 --kill-every 45"
 * </pre>
 * (run {@code ./mvnw -B -DskipTests install} first: the engine process runs {@code engine/target/leadflow.jar}).
 */
public final class ChaosRun {
    static final String APPLICATION_ID = "leadflow-chaos";
    private static final String HOST = "127.0.0.1";
    private static final String CONFIG = """
            tenants:
              chaos:
                timeZone: Europe/Moscow
                leads: {idSecret: test-lead-id-secret}
                mango: {apiKey: chaos-key, apiSalt: chaos-salt}
                roster:
                  teams: {sales: {strategy: ROUND_ROBIN, fallback: true}}
                  managers:   # no shifts, no capacity: every lead can have an owner at once
                    anna:  {team: sales, extensions: ["101", "102"]}
                    boris: {team: sales, extensions: ["103", "104"]}
                    duty:  {team: sales, extensions: ["105", "106"]}
                sla: {policies: {default: {target: %s}}, callbacks: []}
            """;

    /**
     * @param killEvery      mean time between two SIGKILLs of the engine (each 0.5–1.5 × this)
     * @param brokerRestart  stop the broker for {@code brokerDowntime} once, midway
     * @param responseTarget every lead's first-response SLA (calendar time): short, so that breaches are due within the run
     */
    record Options(Duration duration, double callsPerSecond, Duration killEvery, boolean brokerRestart, Duration brokerDowntime,
                   int partitions, long seed, Duration responseTarget) {
    }

    record Outcome(ChaosChecker.Report report, int kills, int brokerRestarts, Simulator.Report traffic) {
    }

    private ChaosRun() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new java.util.HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Options options = new Options(Duration.ofSeconds((long) (60 * Double.parseDouble(a.getOrDefault("minutes", "5")))),
                Double.parseDouble(a.getOrDefault("calls-per-second", "10")), Duration.ofSeconds(Long.parseLong(a.getOrDefault("kill-every", "45"))),
                !"false".equals(a.get("broker-restart")), Duration.ofSeconds(Long.parseLong(a.getOrDefault("broker-downtime", "10"))),
                Integer.parseInt(a.getOrDefault("partitions", "4")), Long.parseLong(a.getOrDefault("seed", "42")),
                Duration.ofSeconds(Long.parseLong(a.getOrDefault("response-target", "60"))));
        Path dir = Files.createTempDirectory("leadflow-chaos");
        Outcome outcome = run(options, dir);
        System.out.printf("%nchaos run: %s, %.0f calls/s, %d engine kills (SIGKILL), %d broker restarts; traffic %s%n%s%n",
                options.duration(), options.callsPerSecond(), outcome.kills(), outcome.brokerRestarts(), outcome.traffic(),
                outcome.report().summary());
        System.exit(outcome.report().clean() ? 0 : 1);
    }

    static Outcome run(Options options, Path dir) throws Exception {
        Path configFile = Files.writeString(dir.resolve("leadflow.yaml"), String.format(CONFIG, options.responseTarget()));
        LeadflowConfig config = LeadflowConfig.load(configFile);
        int kafkaPort = KafkaTestBroker.freePort();
        int controllerPort = KafkaTestBroker.freePort();
        LocalKafkaBroker broker = LocalKafkaBroker.start(dir.resolve("kafka"), HOST, kafkaPort, controllerPort);
        String bootstrap = broker.bootstrapServers();
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        Random random = new Random(options.seed());
        int kills = 0;
        int brokerRestarts = 0;
        EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(new EmbeddedSchemaRegistry.Config(bootstrap, HOST,
                KafkaTestBroker.freePort(), "_schemas", (short) 1));
        Map<String, String> registryConfig = Map.of("schema.registry.url", registry.url());
        HttpOptions http = HttpOptions.of(HOST, 0, 256 * 1024);
        EngineProcess engine = new EngineProcess("512m", bootstrap, registry.url(), configFile, dir.resolve("engine-state"),
                KafkaTestBroker.freePort(), dir.resolve("engine.log"), List.of("--application-id=" + APPLICATION_ID,
                "--instance-id=chaos-engine-1", "--partitions=" + options.partitions()));
        Simulator.Report traffic;
        try (LeadflowNode gateway = LeadflowNode.start(bootstrap, registryConfig, config, http, null, LeadflowNode.Gateway.WEBHOOKS,
                new HealthChecks())) {
            engine.start();
            Simulator simulator = new Simulator(URI.create("http://" + HOST + ":" + gateway.httpPort()), 8)
                    .onAcknowledged(d -> inboundCall(d).ifPresent(acknowledged::add))
                    .startLive(new TrafficGenerator(TrafficModel.demo(options.seed(), options.callsPerSecond()), config.tenants(),
                            Instant.now()), Clock.systemUTC());
            Instant end = Instant.now().plus(options.duration());
            Instant brokerStop = Instant.now().plus(options.duration().dividedBy(2));
            boolean brokerDone = !options.brokerRestart();
            while (Instant.now().isBefore(end)) {
                long pause = (long) (options.killEvery().toMillis() * (0.5 + random.nextDouble()));
                Thread.sleep(Math.min(pause, Math.max(0, Duration.between(Instant.now(), end).toMillis())));
                if (!Instant.now().isBefore(end)) {
                    break;
                }
                if (!brokerDone && Instant.now().isAfter(brokerStop)) {
                    log("stopping the broker for " + options.brokerDowntime().toSeconds() + " s");
                    broker.close();
                    Thread.sleep(options.brokerDowntime().toMillis());
                    broker = LocalKafkaBroker.start(dir.resolve("kafka"), HOST, kafkaPort, controllerPort);
                    brokerRestarts++;
                    brokerDone = true;
                    log("broker back");
                    continue;
                }
                engine.kill9();
                kills++;
                long down = 1_000 + random.nextInt(4_000);
                log("engine killed (SIGKILL #" + kills + "), restarting in " + down + " ms");
                Thread.sleep(down);
                engine.start();
            }
            simulator.close();
            traffic = simulator.report(options.duration());
            log("traffic stopped: " + traffic);
            // every deadline of the leads the traffic opened (a call's start + the target) is past once the target elapsed
            Thread.sleep(options.responseTarget().plusSeconds(10).toMillis());
            Topics topics = new Topics(SchemaRegistryClients.fromConfig(registryConfig), registryConfig);
            List<String> raw = List.of(topics.raw(Vendor.MANGO).name());
            KafkaTestBroker.awaitConsumed(bootstrap, APPLICATION_ID, raw, Duration.ofMinutes(5));
            Thread.sleep(2_000); // the last wall-clock punctuations
            KafkaTestBroker.awaitConsumed(bootstrap, APPLICATION_ID, raw, Duration.ofMinutes(5));
            ChaosChecker.Report report = ChaosChecker.check(bootstrap, topics, acknowledged, options.responseTarget(),
                    Instant.now().minusSeconds(5));
            engine.stop();
            return new Outcome(report, kills, brokerRestarts, traffic);
        } finally {
            if (engine.alive()) {
                engine.kill9();
            }
            registry.close();
            broker.close();
        }
    }

    /** The call id of an acknowledged inbound Mango call summary: a call that must be in the lead log. */
    private static java.util.Optional<String> inboundCall(Delivery delivery) {
        if (delivery.vendor() != Vendor.MANGO || !delivery.request().pathAndQuery().endsWith("/events/summary")) {
            return java.util.Optional.empty();
        }
        try {
            JsonNode json = JSON.readTree(FormBody.parse(delivery.request().body().getBytes(StandardCharsets.UTF_8)).optional("json"));
            return json.path("call_direction").asInt() == 1 ? java.util.Optional.of(json.path("entry_id").asText())
                    : java.util.Optional.empty();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private static void log(String message) {
        System.out.printf("[chaos %s] %s%n", Instant.now(), message);
    }
}
