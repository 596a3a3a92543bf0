package io.leadflow.intake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leadflow.avro.RawEnvelope;
import io.leadflow.connectors.gateway.FormBody;
import io.leadflow.http.ApiException;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Lenient readers for what vendors put in their fields: booleans as {@code true}/{@code "True"}/{@code 1},
 * numbers sent as text, times as epoch seconds, epoch millis or naive local text, amounts with a comma or
 * spaces, JSON bodies of pulled records.
 */
public final class VendorValues {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> TRUE = Set.of("true", "1", "yes", "y", "on", "да", "successful");
    private static final Set<String> FALSE = Set.of("false", "0", "no", "n", "off", "нет", "unsuccessful");

    private VendorValues() {
    }

    /** The envelope's form body, or its query when the vendor sent a GET. */
    public static FormBody form(RawEnvelope envelope) {
        try {
            byte[] body = Envelopes.body(envelope);
            if (body.length == 0 && envelope.getQuery() != null) {
                return FormBody.parse(envelope.getQuery().getBytes(StandardCharsets.UTF_8));
            }
            return FormBody.parse(body);
        } catch (ApiException e) {
            throw new UnparseableEvent(e.getMessage(), e);
        }
    }

    /** The envelope's body as a JSON object (records pulled from vendor APIs). */
    public static JsonNode jsonObject(RawEnvelope envelope) {
        try {
            JsonNode node = JSON.readTree(Envelopes.body(envelope));
            if (node == null || !node.isObject()) {
                throw new UnparseableEvent("body is not a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new UnparseableEvent("body is not valid JSON: " + e.getMessage(), e);
        }
    }

    /** A JSON field as text; null when absent, null or blank. */
    public static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() || value.asText().isBlank() ? null : value.asText();
    }

    /** {@code true}, {@code "True"}, {@code 1}, {@code "yes"}, CallTouch's {@code successful}...; empty when absent or unrecognised. */
    public static Optional<Boolean> bool(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        return TRUE.contains(t) ? Optional.of(true) : FALSE.contains(t) ? Optional.of(false) : Optional.empty();
    }

    public static String required(FormBody form, String field) {
        String value = form.optional(field);
        if (value == null || value.isBlank()) {
            throw new UnparseableEvent("'" + field + "' is missing");
        }
        return value;
    }

    public static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }

    public static int integer(String text, String field) {
        if (text == null || text.isBlank()) {
            return 0;
        }
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new UnparseableEvent("'" + field + "' is not an integer: " + text);
        }
    }

    /** The most a deal amount may hold: the canonical events' decimal(18, 2). */
    private static final int AMOUNT_PRECISION = 18;

    /**
     * Money as a decimal with two places; {@code 1 500,50} and {@code 1500.5} both read as 1500.50. More than 16 digits
     * before the point is no amount a deal has (and no canonical event could carry it).
     */
    public static BigDecimal amount(String text, String field) {
        if (text == null || text.isBlank()) {
            return null;
        }
        BigDecimal amount;
        try {
            amount = new BigDecimal(text.replaceAll("[\\s\u00a0]", "").replace(',', '.')).setScale(2, RoundingMode.HALF_UP);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new UnparseableEvent("'" + field + "' is not an amount: " + text);
        }
        if (amount.precision() > AMOUNT_PRECISION) {
            throw new UnparseableEvent("'" + field + "' is too large for an amount: " + text);
        }
        return amount;
    }

    /**
     * A point in time as vendors write it: epoch seconds (10 digits), epoch millis (13 digits), or a naive
     * local time in one of {@code patterns}, read in the tenant's zone (never the JVM's).
     */
    public static Instant time(String text, String field, ZoneId zone, String... patterns) {
        if (text == null || text.isBlank()) {
            throw new UnparseableEvent("'" + field + "' is missing");
        }
        String t = text.trim();
        if (t.matches("\\d{9,11}")) {
            return Instant.ofEpochSecond(Long.parseLong(t));
        }
        if (t.matches("\\d{12,14}")) {
            return Instant.ofEpochMilli(Long.parseLong(t));
        }
        for (String pattern : patterns) {
            try {
                return LocalDateTime.parse(t, DateTimeFormatter.ofPattern(pattern, Locale.ROOT)).atZone(zone).toInstant();
            } catch (DateTimeParseException e) {
                // try the next pattern
            }
        }
        throw new UnparseableEvent("'" + field + "' is neither epoch time nor like " + String.join(" or ", patterns) + ": " + text);
    }
}
