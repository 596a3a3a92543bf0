package io.leadflow.connectors.calltouch;

import io.leadflow.config.TenantConfig;
import io.leadflow.config.TenantConfig.CallTouchConfig;
import io.leadflow.connectors.client.VendorRequests;
import io.leadflow.connectors.client.WebhookRequest;
import io.leadflow.connectors.gateway.VerifiedEvent;
import io.leadflow.testing.Inbound;
import io.leadflow.testing.Refusals;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CallTouchWebhookTest {
    private static final CallTouchConfig CONFIG = new CallTouchConfig("s3cret", List.of(), Map.of(), null);
    private static final TenantConfig TENANT = tenant(CONFIG);
    private static final VendorRequests VENDOR = new VendorRequests("acme", TENANT);
    private final CallTouchWebhook webhook = new CallTouchWebhook();

    private static TenantConfig tenant(CallTouchConfig calltouch) {
        return new TenantConfig(null, null, null, null, calltouch, null, null);
    }

    private static Map<String, String> call(String id, Integer duration) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("id", id);
        params.put("callerphone", "79161234567");
        params.put("phonenumber", "74951234567");
        params.put("calltime", "21/05/2024 14:03:27");
        params.put("source", "yandex");
        params.put("medium", "cpc");
        if (duration != null) {
            params.put("duration", duration.toString());
            params.put("status", "successful");
        }
        return params;
    }

    @Test
    void theStartAndTheEndOfACallAreTwoEventsOfOneStream() {
        VerifiedEvent start = webhook.verify(TENANT, Inbound.of(VENDOR.calltouch(call("501234567", null), false)));
        VerifiedEvent end = webhook.verify(TENANT, Inbound.of(VENDOR.calltouch(call("501234567", 95), true)));

        assertThat(start).isEqualTo(new VerifiedEvent("call", "call:501234567", "calltouch:call:501234567:start"));
        assertThat(end).isEqualTo(new VerifiedEvent("call", "call:501234567", "calltouch:call:501234567:end"));
    }

    @Test
    void aFormRequestIsKeyedByItsRequestId() {
        VerifiedEvent event = webhook.verify(TENANT, Inbound.of(VENDOR.calltouch(
                Map.of("requestid", "77", "callerphone", "+7 (916) 123-45-67"), true)));

        assertThat(event).isEqualTo(new VerifiedEvent("request", "request:77", "calltouch:request:77"));
    }

    @Test
    void withoutACallIdTheCallerAndCallTimeIdentifyTheCall() {
        // the shape of the documented illustrative notification: no id at all
        Map<String, String> params = Map.of("callerphone", "79161234567", "phonenumber", "74951234567",
                "calltime", "2024-05-21 14:03:27", "status", "successful", "duration", "95");

        assertThat(webhook.verify(TENANT, Inbound.of(VENDOR.calltouch(params, true))).dedupeKey())
                .isEqualTo("calltouch:call:79161234567@2024-05-21 14:03:27:end");
    }

    @Test
    void parameterNamesFollowTheTenantsMapping() {
        CallTouchConfig renamed = new CallTouchConfig("s3cret", List.of(), Map.of("callId", "ct_call", "callerPhone", "client"), null);
        Map<String, String> params = Map.of("ct_call", "9", "client", "89161234567", "calltime", "1716289407");

        VerifiedEvent event = webhook.verify(tenant(renamed), Inbound.of(new VendorRequests("acme", tenant(renamed)).calltouch(params, false)));

        assertThat(event.dedupeKey()).isEqualTo("calltouch:call:9:start");
        assertThatThrownBy(() -> new CallTouchConfig("s", List.of(), Map.of("callid", "x"), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("calltouch.fields.callid");
    }

    @Test
    void theSecretIsRequiredAndChecked() {
        WebhookRequest signed = VENDOR.calltouch(call("1", null), false);
        WebhookRequest wrong = WebhookRequest.get(signed.pathAndQuery().replace("secret=s3cret", "secret=guess"));
        WebhookRequest none = WebhookRequest.get(signed.pathAndQuery().replace("secret=s3cret&", ""));

        Refusals.assertRefused(() -> webhook.verify(TENANT, Inbound.of(wrong)), 401, "invalid_secret");
        Refusals.assertRefused(() -> webhook.verify(TENANT, Inbound.of(none)), 401, "invalid_secret");
    }

    @Test
    void anAllowListAdmitsOnlyItsSubnets() {
        TenantConfig guarded = tenant(new CallTouchConfig("s3cret", List.of("92.118.66.0/23"), Map.of(), null));
        WebhookRequest request = VENDOR.calltouch(call("1", null), false);

        assertThat(webhook.verify(guarded, Inbound.of(request, "92.118.67.200")).store()).isTrue();
        Refusals.assertRefused(() -> webhook.verify(guarded, Inbound.of(request, "92.118.68.1")), 403, "forbidden_source");
    }

    @Test
    void incompleteOrWronglyTypedRequestsAreRefused() {
        Refusals.assertRefused(() -> webhook.verify(TENANT, Inbound.of(VENDOR.calltouch(Map.of("source", "yandex"), true))),
                400, "missing_field");
        Refusals.assertRefused(() -> webhook.verify(TENANT, Inbound.of(VENDOR.calltouch(Map.of("id", "5"), true))),
                400, "missing_field");
        WebhookRequest json = new WebhookRequest("POST", VENDOR.calltouch(Map.of(), true).pathAndQuery(), "application/json", Map.of(), "{\"id\":1}");
        Refusals.assertRefused(() -> webhook.verify(TENANT, Inbound.of(json)), 415, "unsupported_media_type");
    }
}
