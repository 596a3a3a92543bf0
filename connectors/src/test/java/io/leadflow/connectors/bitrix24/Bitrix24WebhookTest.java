package io.leadflow.connectors.bitrix24;

import io.leadflow.config.TenantConfig;
import io.leadflow.connectors.client.VendorRequests;
import io.leadflow.connectors.client.WebhookRequest;
import io.leadflow.connectors.gateway.VerifiedEvent;
import io.leadflow.testing.Inbound;
import io.leadflow.testing.Refusals;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class Bitrix24WebhookTest {
    private static final TenantConfig TENANT = new TenantConfig(null, null, null, null, null,
            new TenantConfig.Bitrix24Config("app-token", null), null);
    private static final VendorRequests VENDOR = new VendorRequests("acme", TENANT);
    private final Bitrix24Webhook webhook = new Bitrix24Webhook();

    @Test
    void anEventIsKeyedByEntityAndIdentifiedByEventIdAndTime() {
        VerifiedEvent event = webhook.verify(TENANT, Inbound.of(VENDOR.bitrix24("ONCRMDEALUPDATE", "4711", 1_716_289_407L)));

        assertThat(event).isEqualTo(new VerifiedEvent("ONCRMDEALUPDATE", "deal:4711", "bitrix24:ONCRMDEALUPDATE:4711:1716289407"));
        assertThat(webhook.verify(TENANT, Inbound.of(VENDOR.bitrix24("ONCRMLEADADD", "12", 1L))).stream()).isEqualTo("lead:12");
    }

    @Test
    void aWrongApplicationTokenIs401() {
        WebhookRequest valid = VENDOR.bitrix24("ONCRMDEALUPDATE", "4711", 1_716_289_407L);
        WebhookRequest forged = new WebhookRequest("POST", valid.pathAndQuery(), valid.contentType(), valid.headers(),
                valid.body().replace("app-token", "other-token"));

        Refusals.assertRefused(() -> webhook.verify(TENANT, Inbound.of(forged)), 401, "invalid_application_token");
    }

    @Test
    void anEventWithoutAnIdIs400() {
        WebhookRequest valid = VENDOR.bitrix24("ONCRMDEALUPDATE", "4711", 1_716_289_407L);
        WebhookRequest noId = new WebhookRequest("POST", valid.pathAndQuery(), valid.contentType(), valid.headers(),
                valid.body().replace("data%5BFIELDS%5D%5BID%5D=4711&", ""));

        Refusals.assertRefused(() -> webhook.verify(TENANT, Inbound.of(noId)), 400, "missing_field");
    }
}
