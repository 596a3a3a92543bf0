package io.leadflow.connectors.mango;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leadflow.avro.Vendor;
import io.leadflow.config.TenantConfig;
import io.leadflow.connectors.gateway.FormBody;
import io.leadflow.connectors.gateway.InboundRequest;
import io.leadflow.connectors.gateway.Signatures;
import io.leadflow.connectors.gateway.VendorWebhook;
import io.leadflow.connectors.gateway.VerifiedEvent;
import io.leadflow.http.ApiException;

import java.util.Set;

/**
 * Mango Office VPBX webhooks. Mango POSTs form fields {@code vpbx_api_key}, {@code sign}, {@code json} to
 * {@code <base>/events/<kind>}; {@code sign = sha256_hex(vpbx_api_key + json + vpbx_api_salt)} over the
 * json string exactly as received.
 */
public final class MangoWebhook implements VendorWebhook {
    static final Set<String> KINDS = Set.of(
            "call", "summary", "recording", "dtmf", "sms", "ping", "record/added", "record/tagged");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public Vendor vendor() {
        return Vendor.MANGO;
    }

    @Override
    public String route() {
        return "mango/events/<event>";
    }

    @Override
    public VerifiedEvent verify(TenantConfig tenant, InboundRequest request) {
        if (tenant.mango() == null) {
            throw new ApiException(404, "vendor_not_configured", "Tenant '" + request.tenant() + "' has no Mango Office account configured");
        }
        String kind = request.eventPath();
        if (!KINDS.contains(kind)) {
            throw new ApiException(404, "unknown_event", "Mango event '" + kind + "' is not one of " + KINDS);
        }
        if (!request.hasMediaType("application/x-www-form-urlencoded")) {
            throw new ApiException(415, "unsupported_media_type",
                    "Mango events are application/x-www-form-urlencoded, got " + request.contentType());
        }
        FormBody form = FormBody.parse(request.body());
        String apiKey = form.required("vpbx_api_key");
        String sign = form.required("sign");
        String json = form.required("json");
        if (!Signatures.constantTimeEquals(apiKey, tenant.mango().apiKey())) {
            throw new ApiException(401, "invalid_api_key", "vpbx_api_key does not match the tenant's Mango account");
        }
        if (!Signatures.constantTimeEquals(sign.toLowerCase(java.util.Locale.ROOT), sign(apiKey, json, tenant.mango().apiSalt()))) {
            throw new ApiException(401, "invalid_signature", "sign is not sha256(vpbx_api_key + json + salt) of this request");
        }
        JsonNode event = parseObject(json);
        String eventKind = "events/" + kind;
        return switch (kind) {
            case "ping" -> VerifiedEvent.notStored(eventKind);
            case "call" -> new VerifiedEvent(eventKind, text(event, "entry_id"),
                    "mango:call:" + text(event, "call_id") + ":" + text(event, "seq"));
            case "summary" -> new VerifiedEvent(eventKind, text(event, "entry_id"),
                    "mango:summary:" + text(event, "entry_id"));
            default -> {
                // Other kinds have no documented id of their own: the signed json is their identity.
                String stream = event.hasNonNull("entry_id") ? event.get("entry_id").asText() : eventKind;
                yield new VerifiedEvent(eventKind, stream, "mango:" + kind + ":" + Signatures.sha256Hex(json));
            }
        };
    }

    /** {@code sha256_hex(apiKey + json + salt)}, lower-case hex. */
    public static String sign(String apiKey, String json, String salt) {
        return Signatures.sha256Hex(apiKey + json + salt);
    }

    private static JsonNode parseObject(String json) {
        try {
            JsonNode node = JSON.readTree(json);
            if (node == null || !node.isObject()) {
                throw new ApiException(400, "malformed_json", "Field 'json' must hold a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new ApiException(400, "malformed_json", "Field 'json' is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static String text(JsonNode event, String field) {
        JsonNode value = event.get(field);
        if (value == null || value.isNull() || value.asText().isBlank()) {
            throw new ApiException(400, "missing_field", "Mango event has no '" + field + "'");
        }
        return value.asText();
    }
}
