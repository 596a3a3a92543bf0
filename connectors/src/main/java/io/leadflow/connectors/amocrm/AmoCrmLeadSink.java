package io.leadflow.connectors.amocrm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leadflow.avro.LeadAssigned;
import io.leadflow.avro.LeadCreated;
import io.leadflow.avro.LeadEvent;
import io.leadflow.avro.MarketingSource;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.config.TenantConfig.AmoCrmLeads;
import io.leadflow.connectors.client.VendorApi;
import io.leadflow.connectors.client.VendorApi.VendorApiException;
import io.leadflow.connectors.crm.CrmLeadSink;
import io.leadflow.topics.Topics;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Leads into amoCRM, where a lead is a deal: for each leadflow lead one deal (title, contact with the phone,
 * UTM fields, tags, responsible user) and its PBX calls as call notes in the deal. Delivery, retries and dead
 * letters: {@link CrmLeadSink}.
 * <ul>
 *   <li>amoCRM has no external id, so the deal keeps leadflow's lead id in a text field
 *       ({@code amocrm.leads.leadIdField}); a search for it comes before every add, so a retried event finds the
 *       deal it added instead of adding a second one.</li>
 *   <li>A caller already in the account (searched by phone) is linked to the new deal instead of becoming a second
 *       contact.</li>
 *   <li>A call is an incoming-call note whose {@code uniq} is the vendor's call id; the deal's call notes are
 *       read first, so a call is noted once.</li>
 *   <li>The owner's amoCRM user comes from the roster ({@code crm.amocrm} of the manager).</li>
 * </ul>
 */
public final class AmoCrmLeadSink extends CrmLeadSink {
    public static final String GROUP = "leadflow-amocrm-lead-sink";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** amoCRM's call note statuses: 4 "the conversation took place", 6 "did not get through". */
    static final int CALL_TALKED = 4;
    static final int CALL_NOT_REACHED = 6;

    private final Map<String, Account> accounts = new HashMap<>();

    private record Account(AmoCrmApi api, AmoCrmLeads settings) {
    }

    private AmoCrmLeadSink(LeadflowConfig config, Topics topics, String bootstrapServers, VendorApi.Factory apis) {
        super("amoCRM", GROUP, "amocrm-lead-sink", topics, bootstrapServers);
        config.tenants().forEach((id, tenant) -> {
            if (tenant.amocrm() != null && tenant.amocrm().leads() != null) {
                accounts.put(id, new Account(new AmoCrmApi(tenant.amocrm().apiUrl(), tenant.amocrm().accessToken(),
                        apis.create("amoCRM lead sink of tenant " + id, tenant.amocrm().requestsPerSecond() / 2)), tenant.amocrm().leads()));
            }
        });
    }

    /** Starts when at least one tenant has {@code amocrm.leads}; null otherwise. */
    public static AmoCrmLeadSink startIfConfigured(LeadflowConfig config, Topics topics, String bootstrapServers, VendorApi.Factory apis) {
        boolean any = config.tenants().values().stream().anyMatch(t -> t.amocrm() != null && t.amocrm().leads() != null);
        if (!any) {
            return null;
        }
        AmoCrmLeadSink sink = new AmoCrmLeadSink(config, topics, bootstrapServers, apis);
        sink.start();
        return sink;
    }

    @Override
    protected boolean serves(String tenant) {
        return accounts.containsKey(tenant);
    }

    @Override
    protected void deliver(LeadEvent event) throws VendorApiException, InterruptedException {
        Account account = accounts.get(event.getTenant());
        if (event.getPayload() instanceof LeadCreated created) {
            deal(account, event, created);
        }
        var call = pbxCall(event);
        if (call.isPresent()) {
            noteCall(account, event, deal(account, event, null), call.get());
        } else if (event.getPayload() instanceof LeadAssigned assigned && assigned.getOwner() != null) {
            Long user = user(account, assigned);
            if (user != null) {
                account.api().patch("/api/v4/leads/" + deal(account, event, null), JSON.createObjectNode().put("responsible_user_id", user));
            }
        }
    }

    /** The deal of this leadflow lead: found by the lead id field, or added (from the created event when there is one). */
    private String deal(Account account, LeadEvent event, LeadCreated created) throws VendorApiException, InterruptedException {
        String known = rememberedCrmId(event.getLeadId());
        if (known != null) {
            return known;
        }
        String id = findDeal(account, event.getLeadId());
        if (id == null) {
            JsonNode added = account.api().post("/api/v4/leads/complex", JSON.createArrayNode().add(newDeal(account, event, created)));
            id = added.path(0).path("id").asText(null);
            if (id == null) {
                throw new VendorApiException("amoCRM added a deal for lead " + event.getLeadId() + " but answered without its id: " + added, true);
            }
        }
        remember(event.getLeadId(), id);
        return id;
    }

    private String findDeal(Account account, String leadId) throws VendorApiException, InterruptedException {
        // query is a full-text search over the deals' fields: keep only a deal whose lead id field equals the id
        JsonNode found = account.api().get("/api/v4/leads?query=" + encode(leadId));
        for (JsonNode deal : found.path("_embedded").path("leads")) {
            for (JsonNode field : deal.path("custom_fields_values")) {
                if (field.path("field_id").asLong() == account.settings().leadIdField()
                        && leadId.equals(field.path("values").path(0).path("value").asText())) {
                    return deal.path("id").asText();
                }
            }
        }
        return null;
    }

    private ObjectNode newDeal(Account account, LeadEvent event, LeadCreated created) throws VendorApiException, InterruptedException {
        AmoCrmLeads settings = account.settings();
        ObjectNode deal = JSON.createObjectNode().put("name", title(created, event.getContact()))
                .put("created_at", event.getOccurredAt().getEpochSecond());
        if (settings.defaultUserId() != null) {
            deal.put("responsible_user_id", settings.defaultUserId()); // until the routers' assignment arrives
        }
        if (settings.pipelineId() != null) {
            deal.put("pipeline_id", settings.pipelineId());
        }
        if (settings.statusId() != null) {
            deal.put("status_id", settings.statusId());
        }
        ArrayNode fields = deal.putArray("custom_fields_values");
        fields.addObject().put("field_id", settings.leadIdField()).putArray("values").addObject().put("value", event.getLeadId());
        MarketingSource marketing = created == null ? null : created.getMarketing();
        if (marketing != null) {
            addIfPresent(fields, "UTM_SOURCE", marketing.getSource());
            addIfPresent(fields, "UTM_MEDIUM", marketing.getMedium());
            addIfPresent(fields, "UTM_CAMPAIGN", marketing.getCampaign());
            addIfPresent(fields, "UTM_CONTENT", marketing.getContent());
            addIfPresent(fields, "UTM_TERM", marketing.getTerm());
        }
        ObjectNode embedded = deal.putObject("_embedded");
        ArrayNode tags = embedded.putArray("tags");
        tags.addObject().put("name", ORIGINATOR);
        if (created != null) {
            tags.addObject().put("name", created.getVendor().name().toLowerCase(Locale.ROOT));
        }
        String contact = findContact(account, event.getContact());
        ObjectNode link = embedded.putArray("contacts").addObject();
        if (contact != null) {
            link.put("id", Long.parseLong(contact));
        } else {
            link.put("name", event.getContact());
            link.putArray("custom_fields_values").addObject().put("field_code", "PHONE").putArray("values").addObject()
                    .put("value", event.getContact()).put("enum_code", "WORK");
        }
        return deal;
    }

    /** A contact of the account with this phone, however it was typed in (the last ten digits decide). */
    private String findContact(Account account, String phone) throws VendorApiException, InterruptedException {
        String digits = lastTenDigits(phone);
        JsonNode found = account.api().get("/api/v4/contacts?query=" + encode(digits));
        for (JsonNode contact : found.path("_embedded").path("contacts")) {
            for (JsonNode field : contact.path("custom_fields_values")) {
                if ("PHONE".equals(field.path("field_code").asText())) {
                    for (JsonNode value : field.path("values")) {
                        if (digits.equals(lastTenDigits(value.path("value").asText()))) {
                            return contact.path("id").asText();
                        }
                    }
                }
            }
        }
        return null;
    }

    private void noteCall(Account account, LeadEvent event, String dealId, PbxCall call) throws VendorApiException, InterruptedException {
        String notes = "/api/v4/leads/" + dealId + "/notes";
        JsonNode existing = account.api().get(notes + "?limit=250&" + encode("filter[note_type]") + "=call_in");
        for (JsonNode note : existing.path("_embedded").path("notes")) {
            if (call.callId().equals(note.path("params").path("uniq").asText())) {
                return; // noted by an earlier delivery whose answer was lost
            }
        }
        ObjectNode note = JSON.createObjectNode().put("note_type", "call_in").put("created_at", call.startedAt().getEpochSecond());
        ObjectNode params = note.putObject("params").put("uniq", call.callId()).put("duration", call.talkSeconds())
                .put("source", ORIGINATOR).put("phone", event.getContact())
                .put("call_status", call.answered() ? CALL_TALKED : CALL_NOT_REACHED)
                .put("call_result", call.answered() ? "Разговор состоялся" : "Пропущенный звонок");
        if (call.answered()) {
            params.put("call_responsible", "доб. " + call.answeredBy()); // a name is kept as given: the extension that answered
        }
        account.api().post(notes, JSON.createArrayNode().add(note));
    }

    private static Long user(Account account, LeadAssigned assigned) throws VendorApiException {
        String user = assigned.getCrmUsers().get("amocrm");
        if (user == null) {
            return account.settings().defaultUserId();
        }
        try {
            return Long.parseLong(user.trim());
        } catch (NumberFormatException e) {
            throw new VendorApiException("the roster's crm.amocrm of " + assigned.getOwner() + " is '" + user
                    + "', not an amoCRM user id (a number)", false);
        }
    }

    private static void addIfPresent(ArrayNode fields, String code, String value) {
        if (value != null && !value.isBlank()) {
            fields.addObject().put("field_code", code).putArray("values").addObject().put("value", value);
        }
    }

    private static String lastTenDigits(String phone) {
        String digits = phone.replaceAll("\\D", "");
        return digits.length() > 10 ? digits.substring(digits.length() - 10) : digits;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
