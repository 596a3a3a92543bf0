package io.leadflow.intake.bitrix24;

import com.fasterxml.jackson.databind.JsonNode;
import io.leadflow.avro.CrmEntityType;
import io.leadflow.avro.CrmStageChange;
import io.leadflow.avro.RawEnvelope;
import io.leadflow.avro.StageOutcome;
import io.leadflow.avro.Vendor;
import io.leadflow.config.TenantConfig;
import io.leadflow.intake.Parsed;
import io.leadflow.intake.PhoneNumbers;
import io.leadflow.intake.RawEventParser;
import io.leadflow.intake.UnparseableEvent;
import io.leadflow.intake.VendorValues;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * Bitrix24 deals and leads as the enrichment fetched them ({@code rest/crm.deal.get},
 * {@code rest/crm.lead.get}) → the stage the entity is in. Bitrix24 has no stage-changed event, so every
 * fetch reports the current stage; the event id is entity + stage, and the engine's dedupe drops a fetch
 * that finds the stage unchanged. The outcome comes from the stage's semantics ({@code S} success =
 * won, {@code F} failure = lost, {@code P} in progress). The bare {@code ONCRM*} events yield nothing.
 */
public final class Bitrix24StageParser implements RawEventParser {

    @Override
    public Parsed parse(RawEnvelope envelope, TenantConfig tenant) {
        boolean deal = "rest/crm.deal.get".equals(envelope.getKind());
        if (!deal && !"rest/crm.lead.get".equals(envelope.getKind())) {
            return Parsed.NOTHING;
        }
        JsonNode fetched = VendorValues.jsonObject(envelope);
        JsonNode entity = fetched.path(deal ? "deal" : "lead");
        String id = VendorValues.text(entity, "ID");
        String stage = VendorValues.text(entity, deal ? "STAGE_ID" : "STATUS_ID");
        if (id == null || stage == null) {
            throw new UnparseableEvent("fetched " + (deal ? "deal" : "lead") + " has no ID or " + (deal ? "STAGE_ID" : "STATUS_ID"));
        }
        String semantic = VendorValues.text(entity, deal ? "STAGE_SEMANTIC_ID" : "STATUS_SEMANTIC_ID");
        StageOutcome outcome = semantic == null ? StageOutcome.UNKNOWN : switch (semantic) {
            case "S" -> StageOutcome.WON;
            case "F" -> StageOutcome.LOST;
            default -> StageOutcome.OPEN;
        };
        String phone = firstPhone(deal ? fetched.path("contact") : entity);
        return Parsed.of(List.of(CrmStageChange.newBuilder()
                .setEventId("bitrix24:" + (deal ? "deal:" : "lead:") + id + ":" + stage)
                .setTenant(envelope.getTenant())
                .setVendor(Vendor.BITRIX24)
                .setEntityType(deal ? CrmEntityType.DEAL : CrmEntityType.LEAD)
                .setEntityId(id)
                .setStageId(stage)
                .setPipelineId(deal ? VendorValues.text(entity, "CATEGORY_ID") : null)
                .setOutcome(outcome)
                .setAmount(VendorValues.amount(VendorValues.text(entity, "OPPORTUNITY"), "OPPORTUNITY"))
                .setCurrency(VendorValues.text(entity, "CURRENCY_ID"))
                .setContact(phone == null ? null : PhoneNumbers.toE164(phone, tenant.region()).orElse(null))
                .setResponsibleUserId(VendorValues.text(entity, "ASSIGNED_BY_ID"))
                .setProduct(deal ? product(entity, tenant) : null)
                .setOccurredAt(modified(entity, envelope))
                .setRawRequestId(envelope.getRequestId())
                .build()));
    }

    /** The tenant's {@code productField} of the deal: text, or a multiple field's first value. */
    private static String product(JsonNode deal, TenantConfig tenant) {
        String field = tenant.bitrix24() == null ? null : tenant.bitrix24().productField();
        if (field == null) {
            return null;
        }
        JsonNode value = deal.path(field);
        return VendorValues.blankToNull(value.isArray() ? value.path(0).asText() : value.asText());
    }

    /** {@code PHONE: [{"VALUE": "+7 916 ...", "VALUE_TYPE": "WORK"}, ...]}: the first one. */
    private static String firstPhone(JsonNode holder) {
        for (JsonNode phone : holder.path("PHONE")) {
            String value = VendorValues.text(phone, "VALUE");
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    /** {@code DATE_MODIFY} is ISO-8601 with an offset; without it, when the fetch happened. */
    private static java.time.Instant modified(JsonNode entity, RawEnvelope envelope) {
        String text = VendorValues.text(entity, "DATE_MODIFY");
        try {
            return text == null ? envelope.getReceivedAt() : OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new UnparseableEvent("DATE_MODIFY is not ISO-8601 with an offset: " + text);
        }
    }
}
