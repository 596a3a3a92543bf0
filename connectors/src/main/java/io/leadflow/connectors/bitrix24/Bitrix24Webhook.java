package io.leadflow.connectors.bitrix24;

import io.leadflow.avro.Vendor;
import io.leadflow.config.TenantConfig;
import io.leadflow.connectors.gateway.InboundRequest;
import io.leadflow.connectors.gateway.RequestParams;
import io.leadflow.connectors.gateway.Signatures;
import io.leadflow.connectors.gateway.VendorWebhook;
import io.leadflow.connectors.gateway.VerifiedEvent;
import io.leadflow.http.ApiException;

import java.util.Locale;

/**
 * Bitrix24 outbound events ({@code ONCRMLEADADD}, {@code ONCRMDEALUPDATE}, ...): a PHP-style form with
 * {@code event}, {@code data[FIELDS][ID]}, {@code ts} and {@code auth[application_token]}, which must
 * equal the tenant's token. The event carries only the entity id; the engine fetches the rest.
 */
public final class Bitrix24Webhook implements VendorWebhook {
    @Override
    public Vendor vendor() {
        return Vendor.BITRIX24;
    }

    @Override
    public String route() {
        return "bitrix24";
    }

    @Override
    public VerifiedEvent verify(TenantConfig tenant, InboundRequest request) {
        if (tenant.bitrix24() == null) {
            throw new ApiException(404, "vendor_not_configured", "Tenant '" + request.tenant() + "' has no Bitrix24 portal configured");
        }
        if (!request.hasMediaType("application/x-www-form-urlencoded")) {
            throw new ApiException(415, "unsupported_media_type", "Bitrix24 events are application/x-www-form-urlencoded, got " + request.contentType());
        }
        RequestParams params = RequestParams.of(request);
        if (!Signatures.constantTimeEquals(params.optional("auth[application_token]"), tenant.bitrix24().applicationToken())) {
            throw new ApiException(401, "invalid_application_token", "auth[application_token] does not match this tenant's Bitrix24 application");
        }
        String event = params.required("event").toUpperCase(Locale.ROOT);
        String id = params.required("data[FIELDS][ID]");
        String entity = event.contains("DEAL") ? "deal" : event.contains("LEAD") ? "lead" : "entity";
        return new VerifiedEvent(event, entity + ":" + id, "bitrix24:" + event + ":" + id + ":" + params.required("ts"));
    }
}
