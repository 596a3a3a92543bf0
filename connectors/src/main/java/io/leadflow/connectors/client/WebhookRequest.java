package io.leadflow.connectors.client;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One webhook call as a vendor makes it, relative to the gateway's base URL. Built by
 * {@link VendorRequests}; sent by the traffic simulator and by tests.
 *
 * @param pathAndQuery e.g. {@code /hooks/demo/calltouch?secret=...}
 * @param contentType  null for a GET
 * @param body         the exact bytes sent; empty for a GET
 */
public record WebhookRequest(String method, String pathAndQuery, String contentType, Map<String, String> headers, String body) {
    public static final String FORM = "application/x-www-form-urlencoded";

    public static WebhookRequest postForm(String pathAndQuery, Map<String, String> fields, Map<String, String> headers) {
        return new WebhookRequest("POST", pathAndQuery, FORM, headers, encode(fields));
    }

    public static WebhookRequest get(String pathAndQuery) {
        return new WebhookRequest("GET", pathAndQuery, null, Map.of(), "");
    }

    public HttpResponse<String> send(HttpClient client, URI baseUrl, Duration timeout) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(baseUrl.resolve(pathAndQuery)).timeout(timeout);
        headers.forEach(request::header);
        if ("GET".equals(method)) {
            request.GET();
        } else {
            request.header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** {@code application/x-www-form-urlencoded}, in the map's iteration order. */
    public static String encode(Map<String, String> fields) {
        return fields.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
