package io.leadflow.engine;

import io.javalin.http.Context;
import io.leadflow.http.ApiException;
import org.apache.kafka.streams.state.HostInfo;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/**
 * What the engine's query APIs share: a query lands on any instance, the state it needs lives on one of them (or is
 * spread over all), so an instance asks the others over HTTP ({@code application.server}), marking the question
 * {@code local=true} so that it is answered from local state and never forwarded again.
 */
public final class PeerQueries {
    /** Marks a query forwarded by another instance: answer from local state only. */
    public static final String LOCAL = "local";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /**
     * Asks {@code host} the same question, for its local answer. An instance that does not answer has usually just
     * gone away, and its partitions are moving to the others: the caller gets {@code 503 peer_unavailable}, to retry
     * shortly, not an error of its own.
     */
    public HttpResponse<String> ask(HostInfo host, String pathAndQuery) throws IOException, InterruptedException {
        String separator = pathAndQuery.contains("?") ? "&" : "?";
        URI uri = URI.create("http://" + host.host() + ":" + host.port() + pathAndQuery + separator + LOCAL + "=true");
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new ApiException(503, "peer_unavailable", "The instance holding this data (" + host.host() + ":" + host.port()
                    + ") does not answer (" + e.getClass().getSimpleName() + "); its partitions move to the others — retry shortly");
        }
    }

    /** Whether this question came from another instance (answer locally). */
    public static boolean forwarded(Context ctx) {
        return ctx.queryParam(LOCAL) != null;
    }

    public static String required(Context ctx, String name) {
        String value = ctx.queryParam(name);
        if (value == null || value.isBlank()) {
            throw new ApiException(400, "missing_parameter", "Query parameter '" + name + "' is required");
        }
        return value;
    }

    /** A date parameter like 2026-11-23, or {@code otherwise} when absent. */
    public static LocalDate date(Context ctx, String name, LocalDate otherwise) {
        String value = ctx.queryParam(name);
        if (value == null || value.isBlank()) {
            return otherwise;
        }
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw new ApiException(400, "invalid_date", "'" + name + "' must be a date like 2026-11-23, not '" + value + "'");
        }
    }

    public static ApiException notReady() {
        return new ApiException(503, "not_ready", "The engine is rebalancing or restoring its state; retry shortly");
    }

    public static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
