package io.leadflow.connectors.mango;

import io.leadflow.config.TenantConfig;
import io.leadflow.connectors.gateway.InboundRequest;
import io.leadflow.connectors.gateway.VerifiedEvent;
import io.leadflow.http.ApiException;
import io.leadflow.testing.MangoRequests;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MangoWebhookTest {
    private static final TenantConfig TENANT = new TenantConfig(null, null,
            new TenantConfig.MangoConfig(MangoRequests.KEY, MangoRequests.SALT, 0));
    private static final String FORM = "application/x-www-form-urlencoded";
    private final MangoWebhook webhook = new MangoWebhook();

    @Test
    void signatureMatchesTheIndependentlyComputedVector() {
        String json = "{\"entry_id\":\"MTI4OTY2MjMzMTk=\",\"call_id\":\"MToxMDE1OTY4MDoyMjE6Mjg2NTY1MzY4\",\"timestamp\":1716289407,"
                + "\"seq\":1,\"call_state\":\"Appeared\",\"location\":\"ivr\",\"from\":{\"number\":\"79161234567\"},"
                + "\"to\":{\"number\":\"74951234567\",\"line_number\":\"74951234567\"}}";

        assertThat(MangoWebhook.sign("abc123key", json, "xyz789salt"))
                .isEqualTo("d6eef2368b5aa19e81f46810d12fc8d3bb08766806e55adaeeaa09754f04564a");
    }

    @Test
    void aSignedSummaryIsKeyedByItsEntryId() {
        VerifiedEvent event = webhook.verify(TENANT, request("summary", FORM,
                MangoRequests.signedForm(MangoRequests.summaryJson("E1", "79161234567", true, 1_700_000_000L))));

        assertThat(event).isEqualTo(new VerifiedEvent("events/summary", "E1", "mango:summary:E1"));
    }

    @Test
    void callEventsAreDedupedOnCallIdAndSeqButOrderedByEntry() {
        String json = "{\"entry_id\":\"E1\",\"call_id\":\"C7\",\"seq\":3,\"call_state\":\"Connected\"}";

        VerifiedEvent event = webhook.verify(TENANT, request("call", FORM, MangoRequests.signedForm(json)));

        assertThat(event.stream()).isEqualTo("E1");
        assertThat(event.dedupeKey()).isEqualTo("mango:call:C7:3");
    }

    @Test
    void aPingIsAcknowledgedButNotStored() {
        assertThat(webhook.verify(TENANT, request("ping", FORM, MangoRequests.signedForm("{}"))).store()).isFalse();
    }

    @Test
    void aForgedSignatureIs401() {
        String json = MangoRequests.summaryJson("E1", "79161234567", true, 1_700_000_000L);
        String forged = MangoRequests.form(MangoRequests.KEY, MangoWebhook.sign(MangoRequests.KEY, json, "guessed-salt"), json);

        assertRefused(request("summary", FORM, forged), 401, "invalid_signature");
    }

    @Test
    void aTamperedJsonIs401() {
        String json = MangoRequests.summaryJson("E1", "79161234567", true, 1_700_000_000L);
        String signedForOther = MangoRequests.form(MangoRequests.KEY, MangoWebhook.sign(MangoRequests.KEY, json, MangoRequests.SALT),
                json.replace("79161234567", "79990000000"));

        assertRefused(request("summary", FORM, signedForOther), 401, "invalid_signature");
    }

    @Test
    void anotherAccountsKeyIs401() {
        String json = "{}";
        assertRefused(request("summary", FORM, MangoRequests.form("other-key", MangoWebhook.sign("other-key", json, MangoRequests.SALT), json)),
                401, "invalid_api_key");
    }

    @Test
    void malformedRequestsAre4xxNamingTheProblem() {
        assertRefused(request("summary", FORM, "vpbx_api_key=demo-key&sign=abc"), 400, "missing_field");
        assertRefused(request("summary", FORM, MangoRequests.signedForm("{\"entry_id\":")), 400, "malformed_json");
        assertRefused(request("summary", FORM, MangoRequests.signedForm("{\"call_direction\":1}")), 400, "missing_field");
        assertRefused(request("summary", "application/json", MangoRequests.signedForm("{}")), 415, "unsupported_media_type");
        assertRefused(request("bogus", FORM, MangoRequests.signedForm("{}")), 404, "unknown_event");
        assertRefused(request("summary", FORM, "json=%E0%A4%A"), 400, "malformed_form");
    }

    @Test
    void aTenantWithoutMangoIs404() {
        assertThatThrownBy(() -> webhook.verify(new TenantConfig(null, null, null), request("summary", FORM, "")))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo("vendor_not_configured"));
    }

    private void assertRefused(InboundRequest request, int status, String code) {
        assertThatThrownBy(() -> webhook.verify(TENANT, request))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(status);
                    assertThat(e.code()).isEqualTo(code);
                });
    }

    private static InboundRequest request(String event, String contentType, String body) {
        return new InboundRequest("req-1", "demo", "POST", "/hooks/demo/mango/events/" + event, event, null,
                contentType + "; charset=UTF-8", Map.of(), body.getBytes(StandardCharsets.UTF_8), "127.0.0.1");
    }
}
