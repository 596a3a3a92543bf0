package io.leadflow.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Named checks of the parts running in this process: readiness on {@code GET /health} (every part UP), liveness on
 * {@code GET /health/live} (no part FAILED). DOWN is a part waiting for something outside (a broker, a vendor) that
 * will come back; FAILED is a part that cannot recover by itself — an engine whose stream threads all died — which an
 * orchestrator should restart.
 */
public final class HealthChecks {

    public enum Status { UP, STARTING, DOWN, FAILED }

    /** One part's state, with a short human-readable detail. */
    public record Health(Status status, String detail) {
        public static Health up(String detail) {
            return new Health(Status.UP, detail);
        }

        public static Health down(String detail) {
            return new Health(Status.DOWN, detail);
        }

        public static Health starting(String detail) {
            return new Health(Status.STARTING, detail);
        }

        public static Health failed(String detail) {
            return new Health(Status.FAILED, detail);
        }
    }

    /** The answer: UP only when every component is UP. */
    public record Report(Status status, Map<String, Health> components) {
    }

    private final Map<String, Supplier<Health>> checks = new LinkedHashMap<>();

    public synchronized HealthChecks add(String component, Supplier<Health> check) {
        checks.put(component, check);
        return this;
    }

    public synchronized Report report() {
        Map<String, Health> components = new LinkedHashMap<>();
        Status overall = Status.UP;
        for (var entry : checks.entrySet()) {
            Health health;
            try {
                health = entry.getValue().get();
            } catch (RuntimeException e) {
                health = Health.down(e.getMessage());
            }
            components.put(entry.getKey(), health);
            if (health.status() == Status.FAILED) {
                overall = Status.FAILED;
            } else if (health.status() == Status.DOWN && overall != Status.FAILED) {
                overall = Status.DOWN;
            } else if (health.status() == Status.STARTING && overall == Status.UP) {
                overall = Status.STARTING;
            }
        }
        return new Report(overall, components);
    }
}
