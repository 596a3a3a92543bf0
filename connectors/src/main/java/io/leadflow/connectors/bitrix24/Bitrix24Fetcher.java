package io.leadflow.connectors.bitrix24;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leadflow.avro.RawEnvelope;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.connectors.client.VendorApi;
import io.leadflow.connectors.client.VendorApi.VendorApiException;
import io.leadflow.connectors.crm.CrmFetcher;
import io.leadflow.connectors.gateway.FormBody;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Bitrix24 events ({@code ONCRMDEALUPDATE}, ...) name an entity and nothing else: this fetches the deal or lead
 * ({@code crm.deal.get}, {@code crm.lead.get}) and a deal's contact ({@code crm.contact.get}, for the phone) and
 * stores them as {@code rest/crm.deal.get} / {@code rest/crm.lead.get}.
 */
public final class Bitrix24Fetcher implements CrmFetcher {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Bitrix24Rest portal;

    public Bitrix24Fetcher(Bitrix24Rest portal) {
        this.portal = portal;
    }

    /** A fetcher per tenant with {@code bitrix24.restUrl}. */
    public static Map<String, CrmFetcher> forTenants(LeadflowConfig config, VendorApi.Factory apis) {
        Map<String, CrmFetcher> fetchers = new HashMap<>();
        config.tenants().forEach((id, tenant) -> {
            if (tenant.bitrix24() != null && tenant.bitrix24().restUrl() != null) {
                fetchers.put(id, new Bitrix24Fetcher(new Bitrix24Rest(tenant.bitrix24().restUrl(),
                        apis.create("Bitrix24 REST of tenant " + id, tenant.bitrix24().requestsPerSecond()))));
            }
        });
        return fetchers;
    }

    @Override
    public List<String> entities(RawEnvelope event) {
        String kind = event.getKind();
        if (!kind.startsWith("ONCRM") || kind.endsWith("DELETE")) {
            return List.of(); // our own fetched records, or an entity that is gone
        }
        String entity = kind.contains("DEAL") ? "deal" : kind.contains("LEAD") ? "lead" : null;
        String id = form(event).optional("data[FIELDS][ID]");
        return entity == null || id == null ? List.of() : List.of(entity + ":" + id);
    }

    @Override
    public Fetched fetch(String entity, RawEnvelope event) throws VendorApiException, InterruptedException {
        String type = entity.substring(0, entity.indexOf(':'));
        String id = entity.substring(type.length() + 1);
        ObjectNode fetched = JSON.createObjectNode();
        fetched.put("event", event.getKind()).put("ts", form(event).optional("ts"));
        JsonNode result = portal.get("crm." + type + ".get", id);
        fetched.set(type, result);
        String contactId = result.path("CONTACT_ID").asText("");
        if ("deal".equals(type) && !contactId.isBlank() && !"0".equals(contactId)) {
            fetched.set("contact", portal.get("crm.contact.get", contactId));
        }
        return new Fetched("rest/crm." + type + ".get", "bitrix24:rest:" + entity + ":" + result.path("DATE_MODIFY").asText(""), fetched);
    }

    private static FormBody form(RawEnvelope event) {
        ByteBuffer body = event.getBody().duplicate();
        byte[] bytes = new byte[body.remaining()];
        body.get(bytes);
        return FormBody.parse(bytes);
    }
}
