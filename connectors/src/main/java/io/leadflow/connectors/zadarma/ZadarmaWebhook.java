package io.leadflow.connectors.zadarma;

import io.leadflow.avro.Vendor;
import io.leadflow.config.TenantConfig;
import io.leadflow.connectors.gateway.InboundRequest;
import io.leadflow.connectors.gateway.RequestParams;
import io.leadflow.connectors.gateway.Signatures;
import io.leadflow.connectors.gateway.VendorWebhook;
import io.leadflow.connectors.gateway.VerifiedEvent;
import io.leadflow.http.ApiException;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Zadarma / Novofon PBX notifications: a form with {@code event} and the call's fields, and a
 * {@code Signature} header = base64 of the lower-case hex HMAC-SHA1 of the event's signed fields
 * (the hex text is encoded, not the raw digest). On set-up Zadarma calls with {@code ?zd_echo=X} and
 * expects {@code X} back.
 */
public final class ZadarmaWebhook implements VendorWebhook {
    /** The fields each event's signature covers, concatenated in this order. */
    static final Map<String, List<String>> SIGNED_FIELDS = Map.of(
            "NOTIFY_START", List.of("caller_id", "called_did", "call_start"),
            "NOTIFY_INTERNAL", List.of("caller_id", "called_did", "call_start"),
            "NOTIFY_ANSWER", List.of("caller_id", "destination", "call_start"),
            "NOTIFY_END", List.of("caller_id", "called_did", "call_start"),
            "NOTIFY_OUT_START", List.of("internal", "destination", "call_start"),
            "NOTIFY_OUT_END", List.of("internal", "destination", "call_start"),
            "NOTIFY_RECORD", List.of("pbx_call_id", "call_id_with_rec"));

    @Override
    public Vendor vendor() {
        return Vendor.ZADARMA;
    }

    @Override
    public String route() {
        return "zadarma";
    }

    @Override
    public boolean acceptsGet() {
        return true;
    }

    @Override
    public VerifiedEvent verify(TenantConfig tenant, InboundRequest request) {
        if (tenant.zadarma() == null) {
            throw new ApiException(404, "vendor_not_configured", "Tenant '" + request.tenant() + "' has no Zadarma account configured");
        }
        RequestParams params = RequestParams.of(request);
        String echo = params.optional("zd_echo");
        if (echo != null) {
            return VerifiedEvent.echo("zd_echo", echo);
        }
        if (!"POST".equals(request.method())) {
            throw new ApiException(405, "method_not_allowed", "Zadarma events are POSTed; GET is only for zd_echo");
        }
        if (!request.hasMediaType("application/x-www-form-urlencoded")) {
            throw new ApiException(415, "unsupported_media_type", "Zadarma events are application/x-www-form-urlencoded, got " + request.contentType());
        }
        String event = params.required("event");
        List<String> signed = SIGNED_FIELDS.get(event);
        if (signed == null) {
            throw new ApiException(400, "unknown_event", "Zadarma event '" + event + "' is not one of " + SIGNED_FIELDS.keySet());
        }
        String signature = request.headers().get("signature");
        if (signature == null || signature.isBlank()) {
            throw new ApiException(401, "missing_signature", "Zadarma events must carry a Signature header");
        }
        signed.forEach(params::required);
        if (!Signatures.constantTimeEquals(signature.trim(), sign(tenant.zadarma().apiSecret(), signedText(params::optional)))) {
            throw new ApiException(401, "invalid_signature", "Signature is not base64(hex(HMAC-SHA1(secret, "
                    + String.join(" + ", signed) + "))) of this request");
        }
        String callId = params.required("pbx_call_id");
        String dedupeKey = "zadarma:" + callId + ":" + event
                + ("NOTIFY_RECORD".equals(event) ? ":" + params.required("call_id_with_rec") : "");
        return new VerifiedEvent(event, callId, dedupeKey);
    }

    /** The text an event's signature covers: its signed fields' values concatenated. */
    public static String signedText(Function<String, String> fields) {
        String event = fields.apply("event");
        List<String> signed = SIGNED_FIELDS.get(event);
        if (signed == null) {
            throw new IllegalArgumentException("Zadarma event '" + event + "' is not one of " + SIGNED_FIELDS.keySet());
        }
        StringBuilder text = new StringBuilder();
        signed.forEach(field -> text.append(Objects.requireNonNullElse(fields.apply(field), "")));
        return text.toString();
    }

    public static String signedText(Map<String, String> fields) {
        return signedText(fields::get);
    }

    /** {@code base64(hex(HMAC-SHA1(secret, text)))}. */
    public static String sign(String secret, String text) {
        return Base64.getEncoder().encodeToString(Signatures.hmacSha1Hex(secret, text).getBytes(StandardCharsets.US_ASCII));
    }
}
