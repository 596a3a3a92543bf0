package io.leadflow.connectors.crm;

import io.leadflow.avro.LeadClass;
import io.leadflow.avro.LeadCreated;
import io.leadflow.avro.LeadEvent;
import io.leadflow.avro.LeadTouched;
import io.leadflow.avro.Vendor;
import io.leadflow.connectors.client.TopicSink;
import io.leadflow.topics.Topics;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Puts leadflow's leads where the sales team works: one CRM lead per leadflow lead, its owner, its PBX calls.
 * A {@link TopicSink} of {@code leadflow.lead-events}: subclasses speak one CRM's API and must make every write safe
 * to repeat (look before adding), because an event is delivered again whenever its answer was lost or the process
 * stopped before the commit.
 */
public abstract class CrmLeadSink extends TopicSink<LeadEvent> {
    /** Recorded as the origin of what leadflow writes into a CRM. */
    public static final String ORIGINATOR = "leadflow";
    private static final int REMEMBERED_LEADS = 10_000;

    /** leadflow lead id → CRM lead id: saves a lookup per event; the CRM stays the truth. */
    private final Map<String, String> crmIds = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > REMEMBERED_LEADS;
        }
    };

    /**
     * @param crm   the CRM's name for logs, e.g. {@code amoCRM}
     * @param group the consumer group (one per CRM, so each keeps its own position)
     * @param stage the dead letters' stage, e.g. {@code amocrm-lead-sink}
     */
    protected CrmLeadSink(String crm, String group, String stage, Topics topics, String bootstrapServers) {
        super(crm, group, stage, topics.leadEvents(), topics, bootstrapServers);
    }

    @Override
    protected final String tenantOf(LeadEvent event) {
        return event.getTenant();
    }

    /** The CRM id this sink last found or made for {@code leadId}, or null. */
    protected final String rememberedCrmId(String leadId) {
        return crmIds.get(leadId);
    }

    protected final void remember(String leadId, String crmId) {
        crmIds.put(leadId, crmId);
    }

    /** A PBX call that opened or touched a lead: what a CRM shows in the lead's card. */
    protected record PbxCall(String callId, String line, String answeredBy, int talkSeconds, Instant startedAt) {
        public boolean answered() {
            return answeredBy != null;
        }
    }

    /** The PBX call this event reports, if any (CallTouch's view of a call is not a call of the PBX). */
    protected static Optional<PbxCall> pbxCall(LeadEvent event) {
        if (event.getPayload() instanceof LeadCreated created && isPbx(created.getVendor()) && created.getCallId() != null) {
            return Optional.of(new PbxCall(created.getCallId(), created.getLine(), created.getAnsweredBy(), created.getTalkSeconds(),
                    event.getOccurredAt()));
        }
        if (event.getPayload() instanceof LeadTouched touched && isPbx(touched.getVendor()) && touched.getCallId() != null) {
            return Optional.of(new PbxCall(touched.getCallId(), touched.getLine(), touched.getAnsweredBy(), touched.getTalkSeconds(),
                    event.getOccurredAt()));
        }
        return Optional.empty();
    }

    private static boolean isPbx(Vendor vendor) {
        return vendor == Vendor.MANGO || vendor == Vendor.ZADARMA;
    }

    /** Titles the sales team reads in the CRM's lead list (Russian: the vendors served are Russian). */
    protected static String title(LeadCreated created, String contact) {
        String what = created == null ? "Обращение"
                : created.getLeadClass() == LeadClass.MISSED_CALL ? "Пропущенный звонок"
                : created.getLeadClass() == LeadClass.FORM ? "Заявка с сайта"
                : created.getLeadClass() == LeadClass.RETURNING ? "Повторное обращение"
                : "Входящий звонок";
        return what + " " + contact;
    }
}
