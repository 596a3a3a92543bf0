package io.leadflow.connectors.zadarma;

import io.leadflow.config.TenantConfig;
import io.leadflow.connectors.client.VendorRequests;
import io.leadflow.connectors.client.WebhookRequest;
import io.leadflow.connectors.gateway.InboundRequest;
import io.leadflow.connectors.gateway.VerifiedEvent;
import io.leadflow.testing.Inbound;
import io.leadflow.testing.Refusals;
import io.leadflow.testing.ZadarmaSamples;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ZadarmaWebhookTest {
    private static final TenantConfig TENANT = new TenantConfig(null, null, null,
            new TenantConfig.ZadarmaConfig("test_secret"), null, null, null);
    private static final VendorRequests VENDOR = new VendorRequests("acme", TENANT);
    private final ZadarmaWebhook webhook = new ZadarmaWebhook();


    @Test
    void signatureMatchesTheIndependentlyComputedVector() {
        // base64 of the hex text, not of the raw digest (which would be odpOE4rDMFJUe/EsweRb0RNe5z0=)
        assertThat(ZadarmaWebhook.sign("test_secret", "79161234567" + "74951234567" + "2024-05-21 14:03:27"))
                .isEqualTo("YTFkYTRlMTM4YWMzMzA1MjU0N2JmMTJjYzFlNDViZDExMzVlZTczZA==");
    }

    @Test
    void aSignedNotifyEndIsKeyedByPbxCallIdAndEvent() {
        WebhookRequest request = VENDOR.zadarma(ZadarmaSamples.notifyEnd("answered", "14"));
        assertThat(request.headers()).containsEntry("Signature", "YTFkYTRlMTM4YWMzMzA1MjU0N2JmMTJjYzFlNDViZDExMzVlZTczZA==");

        VerifiedEvent event = webhook.verify(TENANT, Inbound.of(request));

        String callId = "in_0892e63cb09c4d7a0550f77314fcd216156021ca";
        assertThat(event).isEqualTo(new VerifiedEvent("NOTIFY_END", callId, "zadarma:" + callId + ":NOTIFY_END"));
    }

    @Test
    void eachEventTypeIsSignedOverItsOwnFields() {
        Map<String, String> outEnd = new LinkedHashMap<>(Map.of("event", "NOTIFY_OUT_END", "internal", "100",
                "destination", "79161234567", "call_start", "2024-05-21 15:00:00", "pbx_call_id", "out_1", "caller_id", "0"));
        Map<String, String> record = new LinkedHashMap<>(Map.of("event", "NOTIFY_RECORD", "pbx_call_id", "in_1",
                "call_id_with_rec", "1647439288.1"));

        assertThat(webhook.verify(TENANT, Inbound.of(VENDOR.zadarma(outEnd))).dedupeKey()).isEqualTo("zadarma:out_1:NOTIFY_OUT_END");
        assertThat(webhook.verify(TENANT, Inbound.of(VENDOR.zadarma(record))).dedupeKey()).isEqualTo("zadarma:in_1:NOTIFY_RECORD:1647439288.1");
        assertThat(ZadarmaWebhook.signedText(outEnd)).isEqualTo("100" + "79161234567" + "2024-05-21 15:00:00");
    }

    @Test
    void theEchoCheckIsAnsweredWithTheEchoAndStoresNothing() {
        VerifiedEvent event = webhook.verify(TENANT, Inbound.of(WebhookRequest.get("/hooks/acme/zadarma?zd_echo=abc123")));

        assertThat(event.store()).isFalse();
        assertThat(event.replyText()).isEqualTo("abc123");
    }

    @Test
    void aWrongOrMissingSignatureIs401() {
        WebhookRequest signed = VENDOR.zadarma(ZadarmaSamples.notifyEnd("answered", "14"));
        WebhookRequest forged = new WebhookRequest("POST", signed.pathAndQuery(), signed.contentType(),
                Map.of("Signature", ZadarmaWebhook.sign("guessed", ZadarmaWebhook.signedText(ZadarmaSamples.notifyEnd("answered", "14")))), signed.body());
        WebhookRequest unsigned = new WebhookRequest("POST", signed.pathAndQuery(), signed.contentType(), Map.of(), signed.body());
        WebhookRequest tampered = new WebhookRequest("POST", signed.pathAndQuery(), signed.contentType(), signed.headers(),
                signed.body().replace("79161234567", "79990000000"));

        assertRefused(Inbound.of(forged), 401, "invalid_signature");
        assertRefused(Inbound.of(unsigned), 401, "missing_signature");
        assertRefused(Inbound.of(tampered), 401, "invalid_signature");
    }

    @Test
    void malformedRequestsAreRefusedWithTheProblemNamed() {
        Map<String, String> unknown = new LinkedHashMap<>(ZadarmaSamples.notifyEnd("answered", "14"));
        unknown.put("event", "NOTIFY_SOMETHING");
        WebhookRequest signed = VENDOR.zadarma(ZadarmaSamples.notifyEnd("answered", "14"));

        assertRefused(Inbound.of(WebhookRequest.postForm("/hooks/acme/zadarma", unknown, Map.of("Signature", "x"))), 400, "unknown_event");
        assertRefused(Inbound.of(WebhookRequest.get("/hooks/acme/zadarma")), 405, "method_not_allowed");
        assertRefused(Inbound.of(new WebhookRequest("POST", signed.pathAndQuery(), "application/json", signed.headers(), "{}")),
                415, "unsupported_media_type");
        TenantConfig withoutZadarma = new TenantConfig(null, null, null);
        Refusals.assertRefused(() -> webhook.verify(withoutZadarma, Inbound.of(signed)), 404, "vendor_not_configured");
    }

    private void assertRefused(InboundRequest request, int status, String code) {
        Refusals.assertRefused(() -> webhook.verify(TENANT, request), status, code);
    }
}
