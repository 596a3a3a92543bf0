package io.leadflow.connectors.amocrm;

import io.leadflow.avro.Vendor;
import io.leadflow.config.TenantConfig;
import io.leadflow.connectors.gateway.FormBody;
import io.leadflow.connectors.gateway.InboundRequest;
import io.leadflow.connectors.gateway.RequestParams;
import io.leadflow.connectors.gateway.Signatures;
import io.leadflow.connectors.gateway.VendorWebhook;
import io.leadflow.connectors.gateway.VerifiedEvent;
import io.leadflow.http.ApiException;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * amoCRM webhooks: a form of {@code leads[<action>][<i>][<field>]} entries, several leads per request.
 * amoCRM signs nothing, so the URL carries the tenant's secret. A request's identity is the set of
 * (lead id, status id, last_modified) it reports.
 */
public final class AmoCrmWebhook implements VendorWebhook {
    private static final Pattern LEAD_FIELD = Pattern.compile("leads\\[(\\w+)]\\[(\\d+)]\\[(\\w+)]");

    @Override
    public Vendor vendor() {
        return Vendor.AMOCRM;
    }

    @Override
    public String route() {
        return "amocrm";
    }

    @Override
    public VerifiedEvent verify(TenantConfig tenant, InboundRequest request) {
        if (tenant.amocrm() == null) {
            throw new ApiException(404, "vendor_not_configured", "Tenant '" + request.tenant() + "' has no amoCRM account configured");
        }
        if (!request.hasMediaType("application/x-www-form-urlencoded")) {
            throw new ApiException(415, "unsupported_media_type", "amoCRM webhooks are application/x-www-form-urlencoded, got " + request.contentType());
        }
        RequestParams params = RequestParams.of(request);
        if (!Signatures.constantTimeEquals(params.fromQuery("secret"), tenant.amocrm().secret())) {
            throw new ApiException(401, "invalid_secret", "The 'secret' parameter does not match this tenant's amoCRM secret");
        }
        FormBody form = params.form();
        TreeMap<String, String[]> leads = new TreeMap<>(); // action/index → id, status_id, last_modified
        String action = null;
        for (String name : form.names()) {
            Matcher m = LEAD_FIELD.matcher(name);
            if (m.matches()) {
                action = action == null ? m.group(1) : action;
                String[] lead = leads.computeIfAbsent(m.group(1) + "/" + m.group(2), k -> new String[3]);
                switch (m.group(3)) {
                    case "id" -> lead[0] = form.optional(name);
                    case "status_id" -> lead[1] = form.optional(name);
                    case "last_modified" -> lead[2] = form.optional(name);
                    default -> {
                    }
                }
            }
        }
        if (leads.isEmpty()) {
            throw new ApiException(400, "missing_field", "No leads[...] entries in the request");
        }
        List<String> identities = new ArrayList<>();
        for (String[] lead : leads.values()) {
            if (lead[0] == null) {
                throw new ApiException(400, "missing_field", "A leads[...] entry has no id");
            }
            identities.add(lead[0] + ":" + (lead[1] == null ? "" : lead[1]) + ":" + (lead[2] == null ? "" : lead[2]));
        }
        String firstId = leads.firstEntry().getValue()[0];
        return new VerifiedEvent("leads/" + action, "lead:" + firstId, "amocrm:" + String.join(",", identities));
    }
}
