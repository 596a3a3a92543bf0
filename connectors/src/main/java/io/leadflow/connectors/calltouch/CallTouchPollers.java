package io.leadflow.connectors.calltouch;

import io.leadflow.config.LeadflowConfig;
import io.leadflow.config.TenantConfig;
import io.leadflow.connectors.client.VendorApi;
import io.leadflow.http.HealthChecks.Health;
import io.leadflow.topics.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs a {@link CallTouchPoller} for every tenant with {@code calltouch.api} configured, each on its own
 * schedule. A failed pull (CallTouch down, Kafka down) leaves the cursor where it was: the next pull
 * covers the same ground, so nothing is skipped.
 */
public final class CallTouchPollers implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CallTouchPollers.class);
    private static final Duration FIRST_PULL_AFTER = Duration.ofSeconds(5);

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "leadflow-calltouch-poller");
        t.setDaemon(true);
        return t;
    });
    private final List<CallTouchPoller> pollers = new ArrayList<>();
    private final Map<String, String> status = new ConcurrentHashMap<>();
    private final Map<String, Boolean> failing = new ConcurrentHashMap<>();

    private CallTouchPollers() {
    }

    public static CallTouchPollers start(LeadflowConfig config, Topics topics, String bootstrapServers) {
        CallTouchPollers pollers = new CallTouchPollers();
        config.tenants().forEach((tenantId, tenant) -> {
            if (tenant.calltouch() != null && tenant.calltouch().api() != null) {
                pollers.schedule(tenantId, tenant, topics, bootstrapServers);
            }
        });
        return pollers;
    }

    private void schedule(String tenantId, TenantConfig tenant, Topics topics, String bootstrapServers) {
        TenantConfig.CallTouchApi settings = tenant.calltouch().api();
        VendorApi http = new VendorApi("CallTouch API of tenant " + tenantId, settings.requestsPerSecond(), 5, Duration.ofSeconds(1));
        CallTouchPoller poller = new CallTouchPoller(tenantId, tenant, new CallTouchApiClient(settings, http), topics, bootstrapServers);
        pollers.add(poller);
        status.put(tenantId, "first pull in " + FIRST_PULL_AFTER.toSeconds() + " s");
        scheduler.scheduleWithFixedDelay(() -> pull(tenantId, poller), FIRST_PULL_AFTER.toMillis(),
                settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void pull(String tenantId, CallTouchPoller poller) {
        try {
            CallTouchPoller.PollResult result = poller.poll(Instant.now());
            status.put(tenantId, "pulled through " + result.through() + ", " + result.stored() + " new of " + result.fetched());
            failing.put(tenantId, false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) { // the schedule must survive anything: the next pull retries
            log.warn("CallTouch pull for {} failed; the next pull covers the same period: {}", tenantId, e.toString());
            status.put(tenantId, "failing since " + Instant.now() + ": " + e.getMessage());
            failing.put(tenantId, true);
        }
    }

    public boolean isEmpty() {
        return pollers.isEmpty();
    }

    /** DOWN while any tenant's latest pull failed. */
    public Health health() {
        return failing.containsValue(true) ? Health.down(status.toString()) : Health.up(status.toString());
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pollers.forEach(CallTouchPoller::close);
    }
}
