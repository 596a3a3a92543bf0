package io.leadflow.connectors.amocrm;

import io.leadflow.config.TenantConfig;
import io.leadflow.connectors.client.VendorRequests;
import io.leadflow.connectors.client.WebhookRequest;
import io.leadflow.connectors.gateway.VerifiedEvent;
import io.leadflow.testing.Inbound;
import io.leadflow.testing.Refusals;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AmoCrmWebhookTest {
    private static final TenantConfig TENANT = new TenantConfig(null, null, null, null, null, null,
            new TenantConfig.AmoCrmConfig("amo-secret"));
    private static final VendorRequests VENDOR = new VendorRequests("acme", TENANT);
    private final AmoCrmWebhook webhook = new AmoCrmWebhook();

    private static Map<String, String> twoStatusChanges() {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("leads[status][0][id]", "101");
        form.put("leads[status][0][status_id]", "142");
        form.put("leads[status][0][old_status_id]", "555");
        form.put("leads[status][0][last_modified]", "1716289407");
        form.put("leads[status][0][price]", "150000");
        form.put("leads[status][1][id]", "102");
        form.put("leads[status][1][status_id]", "143");
        form.put("leads[status][1][last_modified]", "1716289408");
        return form;
    }

    @Test
    void aRequestWithSeveralLeadsIsIdentifiedByAllOfThem() {
        VerifiedEvent event = webhook.verify(TENANT, Inbound.of(VENDOR.amocrm(twoStatusChanges())));

        assertThat(event).isEqualTo(new VerifiedEvent("leads/status", "lead:101", "amocrm:101:142:1716289407,102:143:1716289408"));
    }

    @Test
    void aWrongSecretIs401() {
        WebhookRequest valid = VENDOR.amocrm(twoStatusChanges());
        WebhookRequest forged = new WebhookRequest("POST", valid.pathAndQuery().replace("amo-secret", "guess"),
                valid.contentType(), valid.headers(), valid.body());

        Refusals.assertRefused(() -> webhook.verify(TENANT, Inbound.of(forged)), 401, "invalid_secret");
    }

    @Test
    void aRequestWithoutLeadsOrLeadIdsIs400() {
        Refusals.assertRefused(() -> webhook.verify(TENANT, Inbound.of(VENDOR.amocrm(Map.of()))), 400, "missing_field");
        Refusals.assertRefused(() -> webhook.verify(TENANT, Inbound.of(VENDOR.amocrm(Map.of("leads[status][0][status_id]", "142")))),
                400, "missing_field");
    }
}
