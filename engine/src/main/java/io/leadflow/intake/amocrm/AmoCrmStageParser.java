package io.leadflow.intake.amocrm;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadflow.avro.CrmEntityType;
import io.leadflow.avro.CrmStageChange;
import io.leadflow.avro.RawEnvelope;
import io.leadflow.avro.StageOutcome;
import io.leadflow.avro.Vendor;
import io.leadflow.config.TenantConfig;
import io.leadflow.connectors.amocrm.AmoCrmFetcher;
import io.leadflow.connectors.gateway.FormBody;
import io.leadflow.intake.Parsed;
import io.leadflow.intake.PhoneNumbers;
import io.leadflow.intake.RawEventParser;
import io.leadflow.intake.UnparseableEvent;
import io.leadflow.intake.VendorValues;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * amoCRM deals → the stage each is in. amoCRM's status ids are the stage ids; 142 and 143 are the system statuses won
 * and lost in every pipeline. With API access ({@code amocrm.apiUrl} and {@code accessToken}) the deals as the
 * enrichment fetched them ({@code api/v4/leads}) are the report, with their contact's phone, which puts the change
 * on the contact's lead; the webhooks that caused the fetches yield nothing. Without it, the webhook's
 * {@code leads[status]} and {@code leads[add]} entries, several per request, become one stage change each, with no
 * contact. Other actions ({@code update}, {@code delete}, ...) change no stage.
 */
public final class AmoCrmStageParser implements RawEventParser {
    static final String WON = "142";
    static final String LOST = "143";
    private static final Pattern LEAD_FIELD = Pattern.compile("leads\\[(status|add)]\\[(\\d+)]\\[(\\w+)]");

    @Override
    public Parsed parse(RawEnvelope envelope, TenantConfig tenant) {
        if (AmoCrmFetcher.KIND.equals(envelope.getKind())) {
            return Parsed.of(List.of(fetched(envelope, tenant)));
        }
        if (tenant.amocrm() != null && tenant.amocrm().canFetch()) {
            return Parsed.NOTHING; // the enrichment fetches what the webhook names
        }
        FormBody form = VendorValues.form(envelope);
        Map<String, Map<String, String>> leads = new TreeMap<>(); // action/index → field → value
        for (String name : form.names()) {
            Matcher m = LEAD_FIELD.matcher(name);
            if (m.matches()) {
                leads.computeIfAbsent(m.group(1) + "/" + m.group(2), k -> new TreeMap<>()).put(m.group(3), form.optional(name));
            }
        }
        List<CrmStageChange> changes = new ArrayList<>();
        for (Map<String, String> lead : leads.values()) {
            changes.add(stageChange(envelope, lead));
        }
        return Parsed.of(changes);
    }

    private static CrmStageChange stageChange(RawEnvelope envelope, Map<String, String> lead) {
        String modified = lead.get("last_modified");
        Instant at = modified == null || modified.isBlank() ? envelope.getReceivedAt()
                : VendorValues.time(modified, "last_modified", java.time.ZoneOffset.UTC);
        return change(envelope, field(lead, "id"), field(lead, "status_id"), at, lead.get("price"))
                .setPreviousStageId(VendorValues.blankToNull(lead.get("old_status_id")))
                .setPipelineId(VendorValues.blankToNull(lead.get("pipeline_id")))
                .setResponsibleUserId(VendorValues.blankToNull(lead.get("responsible_user_id")))
                .build();
    }

    /** A deal from {@code GET /api/v4/leads/{id}?with=contacts}, with its main contact from {@code /api/v4/contacts/{id}}. */
    private static CrmStageChange fetched(RawEnvelope envelope, TenantConfig tenant) {
        JsonNode fetched = VendorValues.jsonObject(envelope);
        JsonNode lead = fetched.path("lead");
        String id = VendorValues.text(lead, "id");
        String status = VendorValues.text(lead, "status_id");
        String updated = VendorValues.text(lead, "updated_at");
        if (id == null || status == null || updated == null) {
            throw new UnparseableEvent("the fetched amoCRM deal has no id, status_id or updated_at");
        }
        String phone = phone(fetched.path("contact"));
        return change(envelope, id, status, VendorValues.time(updated, "updated_at", java.time.ZoneOffset.UTC), VendorValues.text(lead, "price"))
                .setPipelineId(VendorValues.text(lead, "pipeline_id"))
                .setResponsibleUserId(VendorValues.text(lead, "responsible_user_id"))
                .setContact(phone == null ? null : PhoneNumbers.toE164(phone, tenant.region()).orElse(null))
                .setProduct(tenant.amocrm() == null || tenant.amocrm().productField() == null ? null
                        : firstValue(lead, f -> f.path("field_id").asLong() == tenant.amocrm().productField()))
                .build();
    }

    private static CrmStageChange.Builder change(RawEnvelope envelope, String id, String status, Instant at, String price) {
        return CrmStageChange.newBuilder()
                .setEventId("amocrm:lead:" + id + ":" + status + ":" + at.getEpochSecond())
                .setTenant(envelope.getTenant())
                .setVendor(Vendor.AMOCRM)
                .setEntityType(CrmEntityType.DEAL)
                .setEntityId(id)
                .setStageId(status)
                .setPreviousStageId(null)
                .setPipelineId(null)
                .setOutcome(WON.equals(status) ? StageOutcome.WON : LOST.equals(status) ? StageOutcome.LOST : StageOutcome.OPEN)
                .setAmount(VendorValues.amount(price, "price"))
                .setResponsibleUserId(null)
                .setOccurredAt(at)
                .setRawRequestId(envelope.getRequestId());
    }

    /** The first number of the contact's {@code PHONE} field. */
    private static String phone(JsonNode contact) {
        return firstValue(contact, f -> "PHONE".equals(f.path("field_code").asText()));
    }

    /** {@code custom_fields_values[<the field>].values[].value}: the first that is not blank. */
    private static String firstValue(JsonNode entity, java.util.function.Predicate<JsonNode> field) {
        for (JsonNode f : entity.path("custom_fields_values")) {
            if (field.test(f)) {
                for (JsonNode value : f.path("values")) {
                    String text = VendorValues.text(value, "value");
                    if (text != null) {
                        return text;
                    }
                }
            }
        }
        return null;
    }

    private static String field(Map<String, String> lead, String name) {
        String value = lead.get(name);
        if (value == null || value.isBlank()) {
            throw new UnparseableEvent("a leads[...] entry has no '" + name + "'");
        }
        return value;
    }
}
