package io.leadflow.connectors.crm;

import io.leadflow.avro.ContactKey;
import io.leadflow.avro.DeadLetter;
import io.leadflow.avro.LeadClass;
import io.leadflow.avro.LeadCreated;
import io.leadflow.avro.LeadEvent;
import io.leadflow.avro.LeadTouched;
import io.leadflow.avro.RawKey;
import io.leadflow.avro.Vendor;
import io.leadflow.connectors.client.RetryingConsumer;
import io.leadflow.connectors.client.VendorApi.VendorApiException;
import io.leadflow.http.HealthChecks.Health;
import io.leadflow.topics.DeadLetters;
import io.leadflow.topics.Topic;
import io.leadflow.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;

/**
 * Puts leadflow's leads where the sales team works: one CRM lead per leadflow lead, its owner, its PBX calls.
 * Reads {@code leadflow.lead-events} (read_committed), hands each event of a tenant the CRM serves to
 * {@link #deliver} and commits the event's offset once the CRM has it. Subclasses speak one CRM's API and must
 * make every write safe to repeat (look before adding), because an event is delivered again whenever its answer
 * was lost or the process stopped before the commit.
 * <ul>
 *   <li>No answer, 429, 5xx, or credentials the CRM refuses: the sink waits and tries again from the first
 *       unfinished event, reporting DOWN meanwhile — an outage or a revoked token delays, never loses.</li>
 *   <li>A request the CRM refuses for this event alone (an unknown user id): the event goes to the dead-letter
 *       topic with the CRM's answer, and the sink goes on.</li>
 * </ul>
 */
public abstract class CrmLeadSink implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CrmLeadSink.class);
    /** Recorded as the origin of what leadflow writes into a CRM. */
    public static final String ORIGINATOR = "leadflow";
    private static final int REMEMBERED_LEADS = 10_000;

    private final String crm;
    private final String stage;
    private final Topic<ContactKey, LeadEvent> events;
    private final Topic<RawKey, DeadLetter> deadLetter;
    private final KafkaProducer<byte[], byte[]> deadLetters;
    private final RetryingConsumer worker;
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
        this.crm = crm;
        this.stage = stage;
        this.events = topics.leadEvents();
        this.deadLetter = topics.deadLetter();
        this.deadLetters = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                new ByteArraySerializer(), new ByteArraySerializer());
        this.worker = new RetryingConsumer(group, bootstrapServers, events.name(), 20, this::deliver, () -> { }, () -> { });
    }

    /** Whether this CRM takes the leads of {@code tenant}. */
    protected abstract boolean serves(String tenant);

    /** Writes one lead event into the CRM; safe to repeat. */
    protected abstract void deliver(LeadEvent event) throws VendorApiException, InterruptedException;

    protected final void start() {
        worker.start();
    }

    public Health health() {
        return worker.health("delivering");
    }

    /** The CRM id this sink last found or made for {@code leadId}, or null. */
    protected final String rememberedCrmId(String leadId) {
        return crmIds.get(leadId);
    }

    protected final void remember(String leadId, String crmId) {
        crmIds.put(leadId, crmId);
    }

    private void deliver(ConsumerRecords<byte[], byte[]> batch, KafkaConsumer<byte[], byte[]> consumer)
            throws VendorApiException, InterruptedException {
        for (ConsumerRecord<byte[], byte[]> record : batch) {
            LeadEvent event = events.valueSerde().deserializer().deserialize(record.topic(), record.value());
            if (serves(event.getTenant())) {
                try {
                    deliver(event);
                } catch (VendorApiException e) {
                    if (e.retriable() || e.unauthorized()) {
                        throw e;
                    }
                    deadLetter(record, event, e);
                }
            }
            consumer.commitSync(Map.of(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1)));
        }
    }

    private void deadLetter(ConsumerRecord<byte[], byte[]> record, LeadEvent event, VendorApiException e) {
        log.warn("{} refused lead event {} of {}; dead-lettered: {}", crm, event.getEventId(), event.getTenant(), e.getMessage());
        try {
            deadLetters.send(DeadLetters.serialized(deadLetter, DeadLetters.keyFor(event.getTenant(), record.topic(), record.partition(),
                    record.offset()), DeadLetters.of(event.getTenant(), stage, e.getMessage(), e, record.topic(), record.partition(),
                    record.offset(), record.key(), record.value()))).get();
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new org.apache.kafka.common.errors.InterruptException(interrupted);
        } catch (ExecutionException failed) {
            throw new org.apache.kafka.common.KafkaException("Could not dead-letter " + event.getEventId(), failed.getCause());
        }
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

    @Override
    public void close() {
        worker.close();
        deadLetters.close(Duration.ofSeconds(5));
    }
}
