package io.leadflow.intake.mango;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leadflow.avro.RawEnvelope;
import io.leadflow.connectors.gateway.FormBody;
import io.leadflow.http.ApiException;
import io.leadflow.intake.Envelopes;
import io.leadflow.intake.UnparseableEvent;

import java.io.IOException;

/** Reading Mango's form field {@code json}, leniently: numbers may come as strings. */
final class MangoJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private MangoJson() {
    }

    /** The {@code json} form field of the envelope, as an object. */
    static JsonNode of(RawEnvelope envelope) {
        try {
            String json = FormBody.parse(Envelopes.body(envelope)).required("json");
            JsonNode node = JSON.readTree(json);
            if (node == null || !node.isObject()) {
                throw new UnparseableEvent("field 'json' is not a JSON object");
            }
            return node;
        } catch (ApiException e) {
            throw new UnparseableEvent(e.getMessage(), e);
        } catch (IOException e) {
            throw new UnparseableEvent("field 'json' is not valid JSON: " + e.getMessage(), e);
        }
    }

    static String text(JsonNode node, String field) {
        String value = node.path(field).asText("");
        if (value.isBlank()) {
            throw new UnparseableEvent("'" + field + "' is missing");
        }
        return value;
    }

    /** Mango sends numbers, but some proxies turn them into strings: accept both. */
    static long integer(JsonNode node, String field, long fallback) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull() || value.asText().isBlank()) {
            return fallback;
        }
        if (value.canConvertToLong()) {
            return value.asLong();
        }
        try {
            return Long.parseLong(value.asText().trim());
        } catch (NumberFormatException e) {
            throw new UnparseableEvent("'" + field + "' is not an integer: " + value.asText());
        }
    }

    static long requiredEpoch(JsonNode node, String field) {
        long value = integer(node, field, -1);
        if (value <= 0) {
            throw new UnparseableEvent("'" + field + "' is missing");
        }
        return value;
    }
}
