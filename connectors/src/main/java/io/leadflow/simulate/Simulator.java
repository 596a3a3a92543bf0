package io.leadflow.simulate;

import io.leadflow.avro.Vendor;
import io.leadflow.simulate.Delivery.Produces;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Sends a {@link TrafficGenerator}'s deliveries to a gateway over HTTP, as the vendors would: several
 * requests in flight, and a request answered 5xx (or not at all) sent again with backoff until accepted.
 * Either replays history as fast as {@code maxRate} allows, or runs live, each delivery at its send time.
 */
public final class Simulator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Simulator.class);
    private static final int MAX_ATTEMPTS = 8;

    private final URI gateway;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ExecutorService senders;
    private final Semaphore inFlight;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final Map<Vendor, AtomicLong> accepted = new EnumMap<>(Vendor.class);
    private final Map<String, AtomicLong> refused = new java.util.concurrent.ConcurrentSkipListMap<>();
    private final Map<Produces, AtomicLong> expected = new EnumMap<>(Produces.class);
    private final AtomicLong duplicates = new AtomicLong();
    private final int concurrency;
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile Consumer<Delivery> beforeSend = delivery -> { };
    private volatile Consumer<Delivery> acknowledged = delivery -> { };

    public Simulator(URI gateway, int concurrency) {
        this.gateway = gateway;
        this.senders = Executors.newFixedThreadPool(concurrency, r -> {
            Thread t = new Thread(r, "leadflow-simulator");
            t.setDaemon(true);
            return t;
        });
        this.inFlight = new Semaphore(concurrency);
        this.concurrency = concurrency;
        for (Produces produces : Produces.values()) {
            expected.put(produces, new AtomicLong());
        }
        for (Vendor vendor : Vendor.values()) {
            accepted.put(vendor, new AtomicLong());
        }
    }

    /**
     * Calls {@code listener} with each delivery (duplicates included) just before it is sent, in send order: to keep
     * the ground truth ({@link Delivery#fact()}) of what was sent, or to update a simulated CRM the engine will query.
     */
    public Simulator beforeSend(Consumer<Delivery> listener) {
        this.beforeSend = listener;
        return this;
    }

    /** Calls {@code listener} with each delivery the gateway acknowledged (2xx): what a vendor would consider delivered. */
    public Simulator onAcknowledged(Consumer<Delivery> listener) {
        this.acknowledged = listener;
        return this;
    }

    /** Sends every delivery due before {@code until}, at most {@code maxRate} per second (0 = no limit), then waits for the answers. */
    public Report replay(TrafficGenerator generator, Instant until, double maxRate) throws InterruptedException {
        long started = System.nanoTime();
        long sent = 0;
        for (Delivery d = generator.next(); d.sendAt().isBefore(until) && !stopped.get(); d = generator.next()) {
            if (maxRate > 0) {
                long due = started + (long) (sent / maxRate * 1e9);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            }
            submit(d);
            sent++;
        }
        drain();
        return report(Duration.ofNanos(System.nanoTime() - started));
    }

    /** Sends deliveries when the clock reaches their send time, on a thread of its own, until {@link #close()}. */
    public Simulator startLive(TrafficGenerator generator, Clock clock) {
        Thread live = new Thread(() -> {
            try {
                while (!stopped.get()) {
                    Delivery d = generator.next();
                    long wait = Duration.between(clock.instant(), d.sendAt()).toMillis();
                    if (wait > 0) {
                        Thread.sleep(wait);
                    }
                    if (!stopped.get()) {
                        submit(d);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "leadflow-simulator-live");
        live.setDaemon(true);
        live.start();
        return this;
    }

    private void submit(Delivery delivery) throws InterruptedException {
        beforeSend.accept(delivery);
        expected.get(delivery.produces()).incrementAndGet();
        if (delivery.duplicate()) {
            duplicates.incrementAndGet();
        }
        inFlight.acquire();
        senders.execute(() -> {
            try {
                deliver(delivery);
            } finally {
                inFlight.release();
            }
        });
    }

    private void deliver(Delivery delivery) {
        for (int attempt = 1; attempt <= MAX_ATTEMPTS && !stopped.get(); attempt++) {
            try {
                HttpResponse<String> response = delivery.request().send(http, gateway, Duration.ofSeconds(30));
                int status = response.statusCode();
                if (status / 100 == 2) {
                    accepted.get(delivery.vendor()).incrementAndGet();
                    acknowledged.accept(delivery);
                    return;
                }
                if (status / 100 == 4) {
                    refused.computeIfAbsent(delivery.vendor() + " " + status, k -> new AtomicLong()).incrementAndGet();
                    log.warn("{} refused with {}: {}", delivery.request().pathAndQuery(), status, response.body());
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                log.debug("Delivery to {} failed", gateway, e);
            }
            retries.incrementAndGet();
            try {
                Thread.sleep(Math.min(10_000, 200L << attempt));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        failed.incrementAndGet();
    }

    private void drain() throws InterruptedException {
        inFlight.acquire(concurrency);
        inFlight.release(concurrency);
    }

    /** Counts so far; complete once {@link #replay} returned. */
    public Report report(Duration took) {
        Map<String, Long> acceptedByVendor = new TreeMap<>();
        accepted.forEach((vendor, n) -> {
            if (n.get() > 0) {
                acceptedByVendor.put(vendor.name().toLowerCase(java.util.Locale.ROOT), n.get());
            }
        });
        Map<String, Long> refusedByStatus = new TreeMap<>();
        refused.forEach((k, n) -> refusedByStatus.put(k, n.get()));
        return new Report(acceptedByVendor, refusedByStatus, retries.get(), failed.get(), duplicates.get(),
                expected.get(Produces.CALL).get(), expected.get(Produces.TOUCH).get(), expected.get(Produces.STAGE_CHANGE).get(),
                took.toMillis());
    }

    /** Stops sending; requests already in flight finish. */
    @Override
    public void close() {
        stopped.set(true);
        senders.shutdown();
        try {
            senders.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * What was sent and what the engine should make of it.
     *
     * @param accepted             2xx answers per vendor, duplicates included
     * @param duplicatesSent       redeliveries among them: stored by the gateway, dropped by the engine
     * @param expectedCalls        distinct call outcomes the engine's intake should hand on to the leads
     * @param expectedTouches      distinct touches it should hand on
     * @param expectedStageChanges distinct CRM stage changes it should parse
     */
    public record Report(Map<String, Long> accepted, Map<String, Long> refused, long retries, long failed,
                         long duplicatesSent, long expectedCalls, long expectedTouches, long expectedStageChanges,
                         long tookMillis) {
    }
}
