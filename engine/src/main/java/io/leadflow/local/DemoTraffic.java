package io.leadflow.local;

import io.leadflow.config.TenantConfig;
import io.leadflow.connectors.mango.MangoWebhook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Demo traffic for local mode: signed Mango Office call summaries posted to the gateway over HTTP, as
 * the real PBX would. A small pool of callers makes repeat calls, so both new leads and touches appear;
 * about a third of the calls are missed.
 */
public final class DemoTraffic implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DemoTraffic.class);
    private static final String[] EXTENSIONS = {"101", "102", "103", "104", "105"};

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "leadflow-demo-traffic");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final SplittableRandom random = new SplittableRandom(42);
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final URI target;
    private final TenantConfig.MangoConfig mango;

    private DemoTraffic(URI target, TenantConfig.MangoConfig mango) {
        this.target = target;
        this.mango = mango;
    }

    /** Posts {@code callsPerSecond} summaries to {@code baseUrl}/hooks/{tenant}/mango/events/summary. */
    public static DemoTraffic start(String baseUrl, String tenant, TenantConfig.MangoConfig mango, double callsPerSecond) {
        DemoTraffic traffic = new DemoTraffic(URI.create(baseUrl + "/hooks/" + tenant + "/mango/events/summary"), mango);
        long periodMicros = (long) (1_000_000 / callsPerSecond);
        traffic.timer.scheduleAtFixedRate(traffic::sendOne, periodMicros, periodMicros, TimeUnit.MICROSECONDS);
        return traffic;
    }

    private void sendOne() {
        try {
            String json = nextSummary();
            String form = "vpbx_api_key=" + enc(mango.apiKey()) + "&sign=" + MangoWebhook.sign(mango.apiKey(), json, mango.apiSalt())
                    + "&json=" + enc(json);
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(target)
                    .timeout(Duration.ofSeconds(15))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
            (response.statusCode() / 100 == 2 ? sent : failed).incrementAndGet();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            failed.incrementAndGet();
            log.debug("Demo call not delivered", e);
        }
    }

    private String nextSummary() {
        long now = System.currentTimeMillis() / 1000;
        String caller = "7916" + String.format(Locale.ROOT, "%07d", 1_000_000 + random.nextInt(300));
        boolean answered = random.nextInt(3) != 0;
        long created = now - 30 - random.nextInt(60);
        long talk = answered ? created + 3 + random.nextInt(20) : 0;
        String extension = EXTENSIONS[random.nextInt(EXTENSIONS.length)];
        return String.format(Locale.ROOT,
                "{\"entry_id\":\"demo-%d-%d\",\"call_direction\":1,\"from\":{\"number\":\"%s\"},"
                        + "\"to\":{\"extension\":\"%s\",\"number\":\"74951234567\"},\"line_number\":\"74951234567\","
                        + "\"create_time\":%d,\"forward_time\":%d,\"talk_time\":%d,\"end_time\":%d,\"entry_result\":%d,"
                        + "\"disconnect_reason\":%d}",
                now, random.nextLong() & Long.MAX_VALUE, caller, extension, created, created + 2, talk, now,
                answered ? 1 : 0, answered ? 1100 : 1111);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    public long sent() {
        return sent.get();
    }

    public long failed() {
        return failed.get();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        log.info("Demo traffic stopped: {} calls delivered, {} failed", sent.get(), failed.get());
    }
}
