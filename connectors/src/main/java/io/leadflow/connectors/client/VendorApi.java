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
import java.util.Map;

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

    /** Makes a vendor's API client allowed {@code requestsPerSecond}; tests make ones that give up sooner. */
    @FunctionalInterface
    public interface Factory {
        VendorApi create(String name, double requestsPerSecond);
    }

    /** The production client: 5 attempts from 1 s. */
    public static VendorApi defaults(String name, double requestsPerSecond) {
        return new VendorApi(name, requestsPerSecond, 5, Duration.ofSeconds(1));
    }

    /** GETs {@code uri} and parses the answer as JSON. {@code redacted} is the URI as it may appear in logs. */
    public JsonNode get(URI uri, String redacted) throws VendorApiException, InterruptedException {
        return get(uri, Map.of(), redacted);
    }

    /** GETs {@code uri} with extra headers (e.g. a bearer token); an empty answer (204) is a missing node. */
    public JsonNode get(URI uri, Map<String, String> headers, String redacted) throws VendorApiException, InterruptedException {
        return send(withHeaders(HttpRequest.newBuilder(uri).GET(), headers), redacted, maxAttempts);
    }

    /** {@link #write} with POST and no extra headers. */
    public JsonNode post(URI uri, JsonNode body, String redacted) throws VendorApiException, InterruptedException {
        return write("POST", uri, body, Map.of(), redacted);
    }

    /**
     * Sends {@code body} as JSON with {@code method} (POST, PATCH) and parses the answer as JSON. Tried once: a
     * write may have been carried out even when its answer was lost, so only the caller knows how to retry it
     * safely (look first).
     */
    public JsonNode write(String method, URI uri, JsonNode body, Map<String, String> headers, String redacted)
            throws VendorApiException, InterruptedException {
        return send(withHeaders(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body.toString())), headers), redacted, 1);
    }

    private static HttpRequest.Builder withHeaders(HttpRequest.Builder request, Map<String, String> headers) {
        headers.forEach(request::header);
        return request;
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
                    return response.body().isBlank() ? JSON.missingNode() : JSON.readTree(response.body());
                }
                lastProblem = "HTTP " + status + ": " + abbreviate(response.body());
                if (status != 429 && status / 100 == 4) {
                    throw new VendorApiException(name + " refused " + redacted + " with " + lastProblem, false, status);
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
        private final int status;

        /** @param retriable false when asking again cannot help (a wrong token, an entity that does not exist) */
        public VendorApiException(String message, boolean retriable) {
            this(message, retriable, 0);
        }

        /** @param status the HTTP status the vendor answered with; 0 when it did not answer */
        public VendorApiException(String message, boolean retriable, int status) {
            super(message);
            this.retriable = retriable;
            this.status = status;
        }

        public boolean retriable() {
            return retriable;
        }

        /** The HTTP status the vendor answered with; 0 when it did not answer. */
        public int status() {
            return status;
        }

        /** 401 or 403: the credentials are wrong or revoked, so no request can succeed until someone fixes them. */
        public boolean unauthorized() {
            return status == 401 || status == 403;
        }
    }
}
