package io.leadflow.testing;

import io.leadflow.avro.ContactKey;
import io.leadflow.avro.LeadAssigned;
import io.leadflow.avro.LeadClass;
import io.leadflow.avro.LeadCreated;
import io.leadflow.avro.LeadEvent;
import io.leadflow.avro.LeadTouched;
import io.leadflow.avro.MarketingSource;
import io.leadflow.avro.TouchChannel;
import io.leadflow.avro.Vendor;
import io.leadflow.topics.Topic;
import io.leadflow.topics.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.time.Instant;
import java.util.Map;

/** Lead events as the engine writes them, for tests of what reads {@code leadflow.lead-events} (the CRM sinks). */
public final class LeadEventFixtures {
    public static final String TENANT = "acme";
    public static final String LINE = "+74951234567";
    private final Instant t0;

    /** @param t0 events happen {@code sequence} seconds after it */
    public LeadEventFixtures(Instant t0) {
        this.t0 = t0;
    }

    public LeadEvent created(String leadId, String contact, LeadClass leadClass, Vendor vendor, String callId, String answeredBy,
                             int talk, MarketingSource marketing) {
        return event(leadId, contact, 1, LeadCreated.newBuilder().setLeadClass(leadClass)
                .setChannel(leadClass == LeadClass.FORM ? TouchChannel.FORM : TouchChannel.CALL).setVendor(vendor).setCallId(callId)
                .setLine(LINE).setAnsweredBy(answeredBy).setTalkSeconds(talk).setMarketing(marketing).build());
    }

    /** @param crmUser the owner's user id in {@code crm}, or null (queued, or no id in the roster) */
    public LeadEvent assigned(String leadId, String contact, long sequence, String owner, String crm, String crmUser) {
        return event(leadId, contact, sequence, LeadAssigned.newBuilder().setOwner(owner).setTeam("sales")
                .setRule(owner == null ? "fallback-queue" : "round-robin").setReason("test")
                .setCrmUsers(crmUser == null ? Map.of() : Map.of(crm, crmUser)).build());
    }

    /** A missed Mango call of the lead's contact. */
    public LeadEvent missedCall(String leadId, String contact, long sequence, String callId) {
        return event(leadId, contact, sequence, LeadTouched.newBuilder().setTouchId("mango:summary:" + callId).setChannel(TouchChannel.CALL)
                .setVendor(Vendor.MANGO).setCallId(callId).setMissed(true).build());
    }

    private LeadEvent event(String leadId, String contact, long sequence, Object payload) {
        return LeadEvent.newBuilder().setEventId(leadId + "#" + sequence).setLeadId(leadId).setTenant(TENANT).setContact(contact)
                .setSequence(sequence).setOccurredAt(t0.plusSeconds(sequence)).setPayload(payload).build();
    }

    /** Writes the events to {@code leadflow.lead-events}, keyed by contact like the engine does. */
    public static void produce(String bootstrapServers, Topics topics, LeadEvent... events) throws Exception {
        Topic<ContactKey, LeadEvent> topic = topics.leadEvents();
        try (KafkaProducer<ContactKey, LeadEvent> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
                topic.keySerde().serializer(), topic.valueSerde().serializer())) {
            for (LeadEvent event : events) {
                producer.send(new ProducerRecord<>(topic.name(), new ContactKey(event.getTenant(), event.getContact()), event)).get();
            }
        }
    }
}
