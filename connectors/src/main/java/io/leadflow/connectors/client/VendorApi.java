package io.leadflow.connectors.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A polite JSON client for a vendor's API: at most {@code requestsPerSecond} calls, and a call that fails
 * in a way worth retrying (no answer, 429, 5xx) is retried with exponential backoff. Other 4xx answers
 * (a wrong token, a bad request) fail at once: retrying would not help.
 */
public final class VendorApi {
    private static final Logger log = LoggerFactory.getLogger(VendorApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final long minIntervalNanos;
    private final int maxAttempts;
    private final Duration firstBackoff;
    private long nextPermit = System.nanoTime();

    /** @param name for logs and errors, e.g. {@code CallTouch API of tenant acme} */
    public VendorApi(String name, double requestsPerSecond, int maxAttempts, Duration firstBackoff) {
        this.name = name;
        this.minIntervalNanos = (long) (1e9 / requestsPerSecond);
        this.maxAttempts = maxAttempts;
        this.firstBackoff = firstBackoff;
    }

    /** GETs {@code uri} and parses the answer as JSON. {@code redacted} is the URI as it may appear in logs. */
    public JsonNode get(URI uri, String redacted) throws VendorApiException, InterruptedException {
        return send(HttpRequest.newBuilder(uri).GET(), redacted, maxAttempts);
    }

    /**
     * POSTs {@code body} as JSON to {@code uri} and parses the answer as JSON. Tried once: a POST may have been
     * carried out even when its answer was lost, so only the caller knows how to retry it safely (look first).
     */
    public JsonNode post(URI uri, JsonNode body, String redacted) throws VendorApiException, InterruptedException {
        return send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())), redacted, 1);
    }

    private JsonNode send(HttpRequest.Builder request, String redacted, int maxAttempts) throws VendorApiException, InterruptedException {
        Duration backoff = firstBackoff;
        String lastProblem = null;
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            pace();
            try {
                HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(30))
                        .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status / 100 == 2) {
                    return JSON.readTree(response.body());
                }
                lastProblem = "HTTP " + status + ": " + abbreviate(response.body());
                if (status != 429 && status / 100 == 4) {
                    throw new VendorApiException(name + " refused " + redacted + " with " + lastProblem, false);
                }
            } catch (IOException e) {
                lastProblem = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
            if (attempt < maxAttempts) {
                log.info("{}: {} failed ({}), retrying in {} ms", name, redacted, lastProblem, backoff.toMillis());
                Thread.sleep(backoff.toMillis());
                backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(30)) > 0 ? Duration.ofSeconds(30) : backoff.multipliedBy(2);
            }
        }
        throw new VendorApiException(name + ": " + redacted + " failed " + maxAttempts + " times, last: " + lastProblem, true);
    }

    private void pace() throws InterruptedException {
        long wait;
        synchronized (this) {
            long now = System.nanoTime();
            long permit = Math.max(now, nextPermit);
            nextPermit = permit + minIntervalNanos;
            wait = permit - now;
        }
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }

    private static String abbreviate(String body) {
        return body.length() > 200 ? body.substring(0, 200) + "..." : body;
    }

    /** The vendor's API could not be read. */
    public static final class VendorApiException extends Exception {
        private final boolean retriable;

        /** @param retriable false when asking again cannot help (a wrong token, an entity that does not exist) */
        public VendorApiException(String message, boolean retriable) {
            super(message);
            this.retriable = retriable;
        }

        public boolean retriable() {
            return retriable;
        }
    }
}
