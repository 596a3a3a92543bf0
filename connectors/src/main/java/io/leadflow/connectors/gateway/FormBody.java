package io.leadflow.connectors.gateway;

import io.leadflow.http.ApiException;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An {@code application/x-www-form-urlencoded} body decoded from the exact received bytes, so a
 * signature can be checked over a field's value exactly as the vendor sent it.
 */
public final class FormBody {
    private final Map<String, List<String>> fields;

    private FormBody(Map<String, List<String>> fields) {
        this.fields = fields;
    }

    public static FormBody parse(byte[] body) {
        Map<String, List<String>> fields = new LinkedHashMap<>();
        String text = new String(body, StandardCharsets.UTF_8);
        if (!text.isEmpty()) {
            for (String pair : text.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                fields.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            }
        }
        return new FormBody(fields);
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "malformed_form", "Body is not valid x-www-form-urlencoded: " + e.getMessage());
        }
    }

    /** The single value of a required field; 400 {@code missing_field} when absent or blank. */
    public String required(String name) {
        List<String> values = fields.get(name);
        if (values == null || values.isEmpty() || values.get(0).isBlank()) {
            throw new ApiException(400, "missing_field", "Form field '" + name + "' is required");
        }
        return values.get(0);
    }

    public String optional(String name) {
        List<String> values = fields.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** Field names in the order they came. */
    public java.util.Set<String> names() {
        return fields.keySet();
    }
}
