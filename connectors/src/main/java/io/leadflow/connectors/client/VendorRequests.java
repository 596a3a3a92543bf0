package io.leadflow.connectors.client;

import io.leadflow.config.TenantConfig;
import io.leadflow.connectors.mango.MangoWebhook;
import io.leadflow.connectors.zadarma.ZadarmaWebhook;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Webhook requests signed the way each vendor signs them, for one tenant's configured secrets. This is
 * how the traffic simulator and the tests speak to the gateway exactly as the real vendors do.
 */
public final class VendorRequests {
    private final String tenantId;
    private final TenantConfig tenant;

    public VendorRequests(String tenantId, TenantConfig tenant) {
        this.tenantId = tenantId;
        this.tenant = tenant;
    }

    /** Mango Office: {@code event} is {@code call}, {@code summary}, {@code recording} or {@code ping}. */
    public WebhookRequest mango(String event, String json) {
        var mango = require(tenant.mango(), "mango");
        Map<String, String> form = new LinkedHashMap<>();
        form.put("vpbx_api_key", mango.apiKey());
        form.put("sign", MangoWebhook.sign(mango.apiKey(), json, mango.apiSalt()));
        form.put("json", json);
        return WebhookRequest.postForm(base("mango") + "/events/" + event, form, Map.of());
    }

    /** Zadarma: {@code fields} must hold {@code event} and the fields its signature covers. */
    public WebhookRequest zadarma(Map<String, String> fields) {
        var zadarma = require(tenant.zadarma(), "zadarma");
        String signature = ZadarmaWebhook.sign(zadarma.apiSecret(), ZadarmaWebhook.signedText(fields));
        return WebhookRequest.postForm(base("zadarma"), fields, Map.of("Signature", signature));
    }

    /** CallTouch: its parameters in the query of a GET, or as a form when {@code post}. */
    public WebhookRequest calltouch(Map<String, String> params, boolean post) {
        var calltouch = require(tenant.calltouch(), "calltouch");
        String url = base("calltouch") + "?secret=" + WebhookRequest.enc(calltouch.secret());
        return post ? WebhookRequest.postForm(url, params, Map.of()) : WebhookRequest.get(url + "&" + WebhookRequest.encode(params));
    }

    /** Bitrix24 outbound event: only the entity id travels, as Bitrix24 sends it. */
    public WebhookRequest bitrix24(String event, String entityId, long epochSeconds) {
        var bitrix = require(tenant.bitrix24(), "bitrix24");
        Map<String, String> form = new LinkedHashMap<>();
        form.put("event", event);
        form.put("event_handler_id", "1");
        form.put("data[FIELDS][ID]", entityId);
        form.put("ts", Long.toString(epochSeconds));
        form.put("auth[domain]", tenantId + ".bitrix24.ru");
        form.put("auth[member_id]", "member-" + tenantId);
        form.put("auth[application_token]", bitrix.applicationToken());
        return WebhookRequest.postForm(base("bitrix24"), form, Map.of());
    }

    /** amoCRM: {@code fields} are the {@code leads[...]} entries (several leads allowed). */
    public WebhookRequest amocrm(Map<String, String> fields) {
        var amo = require(tenant.amocrm(), "amocrm");
        Map<String, String> form = new LinkedHashMap<>(fields);
        form.putIfAbsent("account[subdomain]", tenantId);
        return WebhookRequest.postForm(base("amocrm") + "?secret=" + WebhookRequest.enc(amo.secret()), form, Map.of());
    }

    private String base(String vendor) {
        return "/hooks/" + tenantId + "/" + vendor;
    }

    private <T> T require(T section, String vendor) {
        if (section == null) {
            throw new IllegalStateException("Tenant '" + tenantId + "' has no " + vendor + " section");
        }
        return section;
    }
}
