package io.leadflow.connectors.bitrix24;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadflow.connectors.client.VendorApi;
import io.leadflow.connectors.client.VendorApi.VendorApiException;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * A Bitrix24 portal's REST API through an inbound webhook URL ({@code https://<portal>/rest/<user>/<key>/}):
 * {@code crm.deal.get}, {@code crm.lead.get} and {@code crm.contact.get} for the enrichment, any method with JSON
 * parameters for the lead sink. Answers are {@code {"result": ...}}, or {@code {"error": ..., "error_description": ...}}.
 */
public final class Bitrix24Rest {
    private final String restUrl;
    private final VendorApi http;

    public Bitrix24Rest(String restUrl, VendorApi http) {
        this.restUrl = restUrl.endsWith("/") ? restUrl : restUrl + "/";
        this.http = http;
    }

    /** @param method e.g. {@code crm.deal.get} */
    public JsonNode get(String method, String id) throws VendorApiException, InterruptedException {
        String call = method + ".json?id=" + URLEncoder.encode(id, StandardCharsets.UTF_8);
        JsonNode answer = http.get(URI.create(restUrl + call), call); // the webhook URL holds the key: never logged
        JsonNode result = answer.path("result");
        if (!result.isObject()) {
            throw new VendorApiException("Bitrix24 " + method + " answered without a result object: "
                    + answer.path("error_description").asText(answer.toString()), false);
        }
        return result;
    }

    /** Calls {@code method} with JSON parameters; returns its {@code result} (an id, an object, a list). */
    public JsonNode call(String method, JsonNode params) throws VendorApiException, InterruptedException {
        JsonNode answer = http.post(URI.create(restUrl + method + ".json"), params, method);
        if (!answer.has("result")) {
            throw new VendorApiException("Bitrix24 " + method + " failed: " + answer.path("error").asText() + " "
                    + answer.path("error_description").asText(answer.toString()), false);
        }
        return answer.get("result");
    }
}
