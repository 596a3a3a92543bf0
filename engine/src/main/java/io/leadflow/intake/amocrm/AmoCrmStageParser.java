package io.leadflow.intake.amocrm;

import io.leadflow.avro.CrmEntityType;
import io.leadflow.avro.CrmStageChange;
import io.leadflow.avro.RawEnvelope;
import io.leadflow.avro.StageOutcome;
import io.leadflow.avro.Vendor;
import io.leadflow.config.TenantConfig;
import io.leadflow.connectors.gateway.FormBody;
import io.leadflow.intake.Parsed;
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
 * amoCRM {@code leads[status]} and {@code leads[add]} entries, several per request, become one stage
 * change each. amoCRM's status ids are the stage ids; 142 and 143 are the system statuses won and lost
 * in every pipeline. Other actions ({@code update}, {@code delete}, ...) change no stage.
 */
public final class AmoCrmStageParser implements RawEventParser {
    static final String WON = "142";
    static final String LOST = "143";
    private static final Pattern LEAD_FIELD = Pattern.compile("leads\\[(status|add)]\\[(\\d+)]\\[(\\w+)]");

    @Override
    public Parsed parse(RawEnvelope envelope, TenantConfig tenant) {
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
        String id = field(lead, "id");
        String status = field(lead, "status_id");
        String modified = lead.get("last_modified");
        Instant at = modified == null || modified.isBlank() ? envelope.getReceivedAt()
                : VendorValues.time(modified, "last_modified", java.time.ZoneOffset.UTC);
        return CrmStageChange.newBuilder()
                .setEventId("amocrm:lead:" + id + ":" + status + ":" + at.getEpochSecond())
                .setTenant(envelope.getTenant())
                .setVendor(Vendor.AMOCRM)
                .setEntityType(CrmEntityType.DEAL)
                .setEntityId(id)
                .setStageId(status)
                .setPreviousStageId(VendorValues.blankToNull(lead.get("old_status_id")))
                .setPipelineId(VendorValues.blankToNull(lead.get("pipeline_id")))
                .setOutcome(WON.equals(status) ? StageOutcome.WON : LOST.equals(status) ? StageOutcome.LOST : StageOutcome.OPEN)
                .setAmount(VendorValues.amount(lead.get("price"), "price"))
                .setResponsibleUserId(VendorValues.blankToNull(lead.get("responsible_user_id")))
                .setOccurredAt(at)
                .setRawRequestId(envelope.getRequestId())
                .build();
    }

    private static String field(Map<String, String> lead, String name) {
        String value = lead.get(name);
        if (value == null || value.isBlank()) {
            throw new UnparseableEvent("a leads[...] entry has no '" + name + "'");
        }
        return value;
    }
}
