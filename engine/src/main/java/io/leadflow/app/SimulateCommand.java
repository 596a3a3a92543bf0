package io.leadflow.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.config.TenantConfig;
import io.leadflow.simulate.Simulator;
import io.leadflow.simulate.TrafficGenerator;
import io.leadflow.simulate.TrafficModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Send seeded, reproducible vendor traffic to a gateway as real signed webhooks (Mango, Zadarma, "
                + "CallTouch, amoCRM, Bitrix24, per what each tenant has configured), then print what was sent and what the "
                + "engine should make of it. Same seed, tenants and options: same traffic.")
final class SimulateCommand implements Callable<Integer> {
    @Option(names = "--gateway", defaultValue = "${env:LEADFLOW_GATEWAY_URL:-http://127.0.0.1:8080}",
            description = "Base URL of the gateway (default ${DEFAULT-VALUE}).")
    URI gateway;

    @Option(names = "--config", defaultValue = "${env:LEADFLOW_CONFIG}",
            description = "Tenants' YAML configuration with their vendor secrets; default: the bundled one (tenant 'demo').")
    Path config;

    @Option(names = "--tenants", split = ",", description = "Tenants to simulate (default: every tenant in the configuration).")
    List<String> tenants;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--days", defaultValue = "1", description = "Days of business history to send (default ${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--start", description = "First simulated day, e.g. 2026-11-16 (default: --days before today).")
    LocalDate start;

    @Option(names = "--calls-per-day", defaultValue = "200", description = "Mean calls and forms per tenant and day (default ${DEFAULT-VALUE}).")
    double callsPerDay;

    @Option(names = "--rate", defaultValue = "0", description = "At most this many requests per second; 0 = as fast as the gateway answers (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--concurrency", defaultValue = "4", description = "Requests in flight (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--live", description = "Instead of history: send live traffic stamped now, at --calls-per-second, until stopped.")
    boolean live;

    @Option(names = "--calls-per-second", defaultValue = "2", description = "Live traffic rate, all tenants together (default ${DEFAULT-VALUE}).")
    double callsPerSecond;

    @Override
    public Integer call() throws Exception {
        Map<String, TenantConfig> selected = select(LeadflowConfig.load(config), tenants);
        if (live) {
            Simulator simulator = startLive(gateway, selected, seed, callsPerSecond, concurrency, delivery -> { });
            UntilStopped.await(simulator);
            return 0;
        }
        TenantConfig first = selected.values().iterator().next();
        LocalDate firstDay = start != null ? start : LocalDate.now(first.zone()).minusDays(days);
        Instant from = firstDay.atStartOfDay(first.zone()).toInstant();
        Instant until = from.plus(Duration.ofDays(days));
        try (Simulator simulator = new Simulator(gateway, concurrency)) {
            Simulator.Report report = simulator.replay(
                    new TrafficGenerator(TrafficModel.realistic(seed, callsPerDay), selected, from), until, rate);
            System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report));
            return report.failed() == 0 && report.refused().isEmpty() ? 0 : 1;
        }
    }

    /**
     * Live demo traffic for local mode's {@code --demo} and {@code simulate --live}.
     *
     * @param beforeSend told of each delivery before it is sent (a simulated CRM learns of its deals)
     */
    static Simulator startLive(URI gateway, Map<String, TenantConfig> tenants, long seed, double callsPerSecond, int concurrency,
                               java.util.function.Consumer<io.leadflow.simulate.Delivery> beforeSend) {
        TrafficModel model = TrafficModel.demo(seed, callsPerSecond / tenants.size());
        return new Simulator(gateway, concurrency).beforeSend(beforeSend)
                .startLive(new TrafficGenerator(model, tenants, Instant.now()), Clock.systemUTC());
    }

    static Map<String, TenantConfig> select(LeadflowConfig config, List<String> names) {
        Map<String, TenantConfig> selected = new TreeMap<>();
        if (names == null || names.isEmpty()) {
            selected.putAll(config.tenants());
        } else {
            for (String name : names) {
                selected.put(name, config.tenant(name)
                        .orElseThrow(() -> new IllegalArgumentException("Tenant '" + name + "' is not in the configuration")));
            }
        }
        if (selected.isEmpty()) {
            throw new IllegalArgumentException("The configuration has no tenants to simulate");
        }
        return selected;
    }
}
