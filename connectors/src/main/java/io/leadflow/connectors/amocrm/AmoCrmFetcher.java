package io.leadflow.connectors.amocrm;

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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * amoCRM webhooks report a deal's ({@code leads[...]}) status but not its client: this fetches each deal they name
 * with its contacts ({@code GET /api/v4/leads/{id}?with=contacts}) and the main contact
 * ({@code GET /api/v4/contacts/{id}}, whose {@code PHONE} field holds the numbers), stored as {@code api/v4/leads}.
 */
public final class AmoCrmFetcher implements CrmFetcher {
    public static final String KIND = "api/v4/leads";
    private static final Pattern LEAD_ID = Pattern.compile("leads\\[(add|status|update|restore)]\\[\\d+]\\[id]");
    private static final ObjectMapper JSON = new ObjectMapper();
    private final AmoCrmApi account;

    public AmoCrmFetcher(AmoCrmApi account) {
        this.account = account;
    }

    /** A fetcher per tenant with {@code amocrm.apiUrl} and {@code amocrm.accessToken}. */
    public static Map<String, CrmFetcher> forTenants(LeadflowConfig config, VendorApi.Factory apis) {
        Map<String, CrmFetcher> fetchers = new HashMap<>();
        config.tenants().forEach((id, tenant) -> {
            var amo = tenant.amocrm();
            if (amo != null && amo.canFetch()) {
                fetchers.put(id, new AmoCrmFetcher(new AmoCrmApi(amo.apiUrl(), amo.accessToken(),
                        apis.create("amoCRM API of tenant " + id, amo.requestsPerSecond() / 2))));
            }
        });
        return fetchers;
    }

    @Override
    public List<String> entities(RawEnvelope event) {
        if (!event.getKind().startsWith("leads/")) {
            return List.of(); // our own fetched records
        }
        ByteBuffer body = event.getBody().duplicate();
        byte[] bytes = new byte[body.remaining()];
        body.get(bytes);
        FormBody form = FormBody.parse(bytes);
        Set<String> deals = new LinkedHashSet<>();
        for (String name : form.names()) {
            Matcher m = LEAD_ID.matcher(name);
            String id = m.matches() ? form.optional(name) : null;
            if (id != null && id.chars().allMatch(Character::isDigit)) {
                deals.add("lead:" + id);
            }
        }
        return List.copyOf(deals);
    }

    @Override
    public Fetched fetch(String entity, RawEnvelope event) throws VendorApiException, InterruptedException {
        String id = entity.substring("lead:".length());
        JsonNode lead = account.get("/api/v4/leads/" + id + "?with=contacts");
        if (!lead.isObject()) {
            throw new VendorApiException("amoCRM has no deal " + id, false, 204);
        }
        ObjectNode fetched = JSON.createObjectNode();
        fetched.put("event", event.getKind());
        fetched.set("lead", lead);
        JsonNode contact = mainContact(lead);
        if (contact != null) {
            fetched.set("contact", account.get("/api/v4/contacts/" + contact.path("id").asLong()));
        }
        return new Fetched(KIND, "amocrm:api:lead:" + id + ":" + lead.path("updated_at").asText("") + ":"
                + lead.path("status_id").asText(""), fetched);
    }

    /** The contact marked {@code is_main}, else the first one linked. */
    private static JsonNode mainContact(JsonNode lead) {
        JsonNode first = null;
        for (JsonNode contact : lead.path("_embedded").path("contacts")) {
            if (contact.path("is_main").asBoolean(false)) {
                return contact;
            }
            first = first == null ? contact : first;
        }
        return first;
    }
}
