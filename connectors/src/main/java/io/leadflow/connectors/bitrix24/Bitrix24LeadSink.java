package io.leadflow.connectors.bitrix24;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leadflow.avro.LeadAssigned;
import io.leadflow.avro.LeadCreated;
import io.leadflow.avro.LeadEvent;
import io.leadflow.avro.MarketingSource;
import io.leadflow.avro.TouchChannel;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.config.TenantConfig;
import io.leadflow.config.TenantConfig.Bitrix24Leads;
import io.leadflow.connectors.client.VendorApi;
import io.leadflow.connectors.client.VendorApi.VendorApiException;
import io.leadflow.connectors.crm.CrmLeadSink;
import io.leadflow.topics.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Leads into Bitrix24: for each lead one CRM lead (title, phone, source, UTM fields, owner) and its PBX calls in the
 * lead's card. Delivery, retries and dead letters: {@link CrmLeadSink}.
 * <ul>
 *   <li>A lead is found by {@code ORIGINATOR_ID=leadflow} + {@code ORIGIN_ID=<leadId>} before it is added, so a
 *       retried event updates the lead it created instead of adding a second one.</li>
 *   <li>A call is registered with the vendor's call id as {@code EXTERNAL_CALL_ID} (the portal answers a repeat with
 *       the same {@code CALL_ID}) and finished with its duration and outcome.</li>
 *   <li>The owner's portal user comes from the roster ({@code crm.bitrix24} of the manager).</li>
 * </ul>
 */
public final class Bitrix24LeadSink extends CrmLeadSink {
    private static final Logger log = LoggerFactory.getLogger(Bitrix24LeadSink.class);
    public static final String GROUP = "leadflow-bitrix24-lead-sink";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Portal> portals = new HashMap<>();

    private record Portal(Bitrix24Rest rest, Bitrix24Leads settings, TenantConfig tenant) {
    }

    private Bitrix24LeadSink(LeadflowConfig config, Topics topics, String bootstrapServers, VendorApi.Factory apis) {
        super("Bitrix24", GROUP, "bitrix24-lead-sink", topics, bootstrapServers);
        config.tenants().forEach((id, tenant) -> {
            if (tenant.bitrix24() != null && tenant.bitrix24().leads() != null) {
                portals.put(id, new Portal(new Bitrix24Rest(tenant.bitrix24().restUrl(), apis.create("Bitrix24 lead sink of tenant " + id,
                        tenant.bitrix24().requestsPerSecond())),
                        tenant.bitrix24().leads(), tenant));
            }
        });
    }

    /** Starts when at least one tenant has {@code bitrix24.leads}; null otherwise. */
    public static Bitrix24LeadSink startIfConfigured(LeadflowConfig config, Topics topics, String bootstrapServers, VendorApi.Factory apis) {
        boolean any = config.tenants().values().stream().anyMatch(t -> t.bitrix24() != null && t.bitrix24().leads() != null);
        if (!any) {
            return null;
        }
        Bitrix24LeadSink sink = new Bitrix24LeadSink(config, topics, bootstrapServers, apis);
        sink.start();
        return sink;
    }

    @Override
    protected boolean serves(String tenant) {
        return portals.containsKey(tenant);
    }

    @Override
    protected void deliver(LeadEvent event) throws VendorApiException, InterruptedException {
        Portal portal = portals.get(event.getTenant());
        LeadCreated created = event.getPayload() instanceof LeadCreated c ? c : null;
        if (created != null) {
            lead(portal, event, created);
        }
        var call = pbxCall(event);
        if (call.isPresent()) {
            registerCall(portal, event, lead(portal, event, null), call.get());
        } else if (event.getPayload() instanceof LeadAssigned assigned && assigned.getOwner() != null) {
            ObjectNode params = JSON.createObjectNode().put("id", lead(portal, event, null));
            params.putObject("fields").put("ASSIGNED_BY_ID", user(portal, assigned));
            portal.rest().call("crm.lead.update", params);
        }
    }

    /** The CRM lead of this leadflow lead: found by its origin, or added (from the created event when there is one). */
    private String lead(Portal portal, LeadEvent event, LeadCreated created) throws VendorApiException, InterruptedException {
        String known = rememberedCrmId(event.getLeadId());
        if (known != null) {
            return known;
        }
        ObjectNode query = JSON.createObjectNode();
        query.putObject("filter").put("ORIGINATOR_ID", ORIGINATOR).put("ORIGIN_ID", event.getLeadId());
        query.putArray("select").add("ID");
        JsonNode found = portal.rest().call("crm.lead.list", query);
        String id;
        if (found.isArray() && !found.isEmpty()) {
            id = found.get(0).path("ID").asText();
        } else {
            ObjectNode params = JSON.createObjectNode();
            params.set("fields", fields(portal, event, created));
            params.putObject("params").put("REGISTER_SONET_EVENT", "N");
            id = portal.rest().call("crm.lead.add", params).asText();
        }
        remember(event.getLeadId(), id);
        return id;
    }

    private ObjectNode fields(Portal portal, LeadEvent event, LeadCreated created) {
        ObjectNode fields = JSON.createObjectNode();
        boolean form = created != null && created.getChannel() == TouchChannel.FORM;
        fields.put("TITLE", title(created, event.getContact()));
        fields.put("SOURCE_ID", form ? "WEB" : portal.settings().sourceId());
        if (created != null) {
            fields.put("SOURCE_DESCRIPTION", "leadflow: " + created.getVendor().name().toLowerCase(Locale.ROOT)
                    + (created.getLine() == null ? "" : ", line " + created.getLine()));
        }
        fields.put("ASSIGNED_BY_ID", portal.settings().defaultUserId()); // until the routers' assignment arrives
        fields.put("OPENED", "Y");
        fields.put("ORIGINATOR_ID", ORIGINATOR);
        fields.put("ORIGIN_ID", event.getLeadId());
        fields.putArray("PHONE").addObject().put("VALUE", event.getContact()).put("VALUE_TYPE", "WORK");
        MarketingSource marketing = created == null ? null : created.getMarketing();
        if (marketing != null) {
            putIfPresent(fields, "UTM_SOURCE", marketing.getSource());
            putIfPresent(fields, "UTM_MEDIUM", marketing.getMedium());
            putIfPresent(fields, "UTM_CAMPAIGN", marketing.getCampaign());
            putIfPresent(fields, "UTM_CONTENT", marketing.getContent());
            putIfPresent(fields, "UTM_TERM", marketing.getTerm());
        }
        return fields;
    }

    private void registerCall(Portal portal, LeadEvent event, String crmId, PbxCall call) throws VendorApiException, InterruptedException {
        ObjectNode register = JSON.createObjectNode();
        if (call.answered()) {
            register.put("USER_PHONE_INNER", call.answeredBy());
        } else {
            register.put("USER_ID", portal.settings().defaultUserId());
        }
        register.put("PHONE_NUMBER", event.getContact()).put("TYPE", 2)
                .put("CALL_START_DATE", call.startedAt().atZone(portal.tenant().zone()).toOffsetDateTime().toString())
                .put("CRM_CREATE", 0).put("CRM_ENTITY_TYPE", "LEAD").put("CRM_ENTITY_ID", crmId).put("SHOW", 0)
                .put("EXTERNAL_CALL_ID", call.callId());
        putIfPresent(register, "LINE_NUMBER", call.line());
        String bitrixCallId = portal.rest().call("telephony.externalcall.register", register).path("CALL_ID").asText();
        ObjectNode finish = JSON.createObjectNode().put("CALL_ID", bitrixCallId).put("DURATION", call.talkSeconds())
                .put("STATUS_CODE", call.answered() ? "200" : "304").put("ADD_TO_CHAT", 0);
        if (call.answered()) {
            finish.put("USER_PHONE_INNER", call.answeredBy());
        } else {
            finish.put("USER_ID", portal.settings().defaultUserId());
        }
        try {
            portal.rest().call("telephony.externalcall.finish", finish);
        } catch (VendorApiException e) {
            if (e.retriable() || e.unauthorized()) {
                throw e;
            }
            // a retried event finds its call registered and finished already: the card is complete
            log.info("Bitrix24 did not finish call {} again: {}", call.callId(), e.getMessage());
        }
    }

    private static String user(Portal portal, LeadAssigned assigned) {
        String user = assigned.getCrmUsers().get("bitrix24");
        return user != null ? user : portal.settings().defaultUserId();
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null && !value.isBlank()) {
            node.put(field, value);
        }
    }
}
