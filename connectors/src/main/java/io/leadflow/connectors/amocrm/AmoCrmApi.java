package io.leadflow.connectors.amocrm;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadflow.connectors.client.VendorApi;
import io.leadflow.connectors.client.VendorApi.VendorApiException;

import java.net.URI;
import java.util.Map;

/**
 * An amoCRM account's REST API v4 ({@code https://<account>.amocrm.ru/api/v4/...}) with a private integration's
 * long-lived token as the bearer. Lists answer {@code {"_embedded": {...}}}, or 204 with no body when nothing
 * matches (a missing node here).
 */
public final class AmoCrmApi {
    private final String apiUrl;
    private final Map<String, String> auth;
    private final VendorApi http;

    public AmoCrmApi(String apiUrl, String accessToken, VendorApi http) {
        this.apiUrl = apiUrl.endsWith("/") ? apiUrl.substring(0, apiUrl.length() - 1) : apiUrl;
        this.auth = Map.of("Authorization", "Bearer " + accessToken);
        this.http = http;
    }

    /** @param pathAndQuery e.g. {@code /api/v4/leads?query=...}, already URL-encoded */
    public JsonNode get(String pathAndQuery) throws VendorApiException, InterruptedException {
        return http.get(URI.create(apiUrl + pathAndQuery), auth, "GET " + pathAndQuery);
    }

    /** A write, tried once: see {@link VendorApi#write}. */
    public JsonNode post(String path, JsonNode body) throws VendorApiException, InterruptedException {
        return http.write("POST", URI.create(apiUrl + path), body, auth, "POST " + path);
    }

    /** An update, tried once: see {@link VendorApi#write}. */
    public JsonNode patch(String path, JsonNode body) throws VendorApiException, InterruptedException {
        return http.write("PATCH", URI.create(apiUrl + path), body, auth, "PATCH " + path);
    }
}
