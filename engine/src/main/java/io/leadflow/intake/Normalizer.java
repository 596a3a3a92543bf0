package io.leadflow.intake;

import io.leadflow.avro.CallEvent;
import io.leadflow.avro.ContactKey;
import io.leadflow.avro.ContactEvent;
import io.leadflow.avro.CrmStageChange;
import io.leadflow.avro.DeadLetter;
import io.leadflow.avro.RawEnvelope;
import io.leadflow.avro.RawKey;
import io.leadflow.avro.Touch;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.config.TenantConfig;
import io.leadflow.topics.DeadLetters;
import io.leadflow.engine.state.ExpiringKeys;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Raw vendor envelopes → canonical calls, touches and CRM stage changes, in the lead task. Redelivered vendor events (a
 * dedupe key seen within the dedupe window, in stream time) are dropped, and so are canonical events whose id was
 * already handled: the start and end notification of one tracked call give one touch, an unchanged CRM stage gives no
 * second change. An event whose contact is the raw record's key (the gateway keys by contact wherever the vendor names
 * the caller) goes straight on to the contact's lead, in this task and transaction; any other (a CRM change names a
 * deal, not a phone) is re-keyed once, by its contact, to {@code leadflow.contact-events}, and {@link ReKeyedEvents}
 * takes it from there in the contact's task. Envelopes that cannot be parsed go to the dead-letter topic with the
 * reason and the vendor's body, and processing goes on.
 */
public final class Normalizer implements Processor<RawKey, RawEnvelope, Object, Object> {
    /** How far a vendor's clock may run ahead of ours; beyond it the event's time cannot be trusted. */
    static final Duration MAX_AHEAD_OF_ARRIVAL = Duration.ofMinutes(15);
    private static final Logger log = LoggerFactory.getLogger(Normalizer.class);
    public static final String STAGE = "intake-normalize";
    /** How often, in stream time, remembered event ids are expired, and how many at most per run. */
    static final Duration EXPIRY_INTERVAL = Duration.ofMinutes(1);
    static final int EXPIRY_BATCH = 10_000;

    private final LeadflowConfig config;
    private final Map<io.leadflow.avro.Vendor, RawEventParser> parsers;
    private final String dedupeStoreName;
    private final Duration dedupeWindow;
    private final Children children;

    private ProcessorContext<Object, Object> context;
    private ExpiringKeys seen;

    public Normalizer(LeadflowConfig config, Map<io.leadflow.avro.Vendor, RawEventParser> parsers, String dedupeStoreName,
                      Duration dedupeWindow, Children children) {
        this.config = config;
        this.parsers = parsers;
        this.dedupeStoreName = dedupeStoreName;
        this.dedupeWindow = dedupeWindow;
        this.children = children;
    }

    /**
     * Where each kind of output goes.
     *
     * @param lead       the contact's lead, in this task (its events keyed by contact)
     * @param reKeyed    the sink of {@code leadflow.contact-events}, for events of another contact than the record's key
     * @param deadLetter the sink of the dead-letter topic
     */
    public record Children(String lead, String reKeyed, String deadLetter) {
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.seen = new ExpiringKeys(context.getStateStore(dedupeStoreName), dedupeWindow);
        // stream time, not wall-clock: a replay forgets exactly what the live run forgot
        context.schedule(EXPIRY_INTERVAL, PunctuationType.STREAM_TIME, now -> seen.expire(now, EXPIRY_BATCH));
    }

    @Override
    public void process(Record<RawKey, RawEnvelope> record) {
        RawEnvelope envelope = record.value();
        if (envelope == null) {
            return; // a tombstone on a raw topic carries no event
        }
        // Vendor ids are unique within one vendor account only: two tenants may well both have call 123.
        long time = record.timestamp();
        String dedupeKey = envelope.getTenant() + "|" + envelope.getDedupeKey();
        if (seen.contains(dedupeKey)) {
            log.debug("Dropped redelivered event {}", envelope.getDedupeKey());
            return;
        }
        Parsed parsed;
        try {
            parsed = parse(envelope);
        } catch (UnparseableEvent e) {
            deadLetter(record, envelope, e);
            return;
        }
        Arrival arrival = new Arrival(record.key(), envelope.getDedupeKey(), time);
        for (CallEvent call : parsed.calls()) {
            handOn(arrival, new ContactKey(call.getTenant(), call.getContact()), call.getEventId(), call, call.getStartedAt().toEpochMilli());
        }
        for (Touch touch : parsed.touches()) {
            handOn(arrival, new ContactKey(touch.getTenant(), touch.getContact()), touch.getTouchId(), touch, touch.getOccurredAt().toEpochMilli());
        }
        for (CrmStageChange change : parsed.stageChanges()) {
            if (change.getContact() == null) {
                // amoCRM webhooks name only the deal: the CRM enricher fetches it with its contact and stores that again
                log.debug("Stage change {} names no contact", change.getEventId());
                continue;
            }
            handOn(arrival, new ContactKey(change.getTenant(), change.getContact()), change.getEventId(), change,
                    change.getOccurredAt().toEpochMilli());
        }
        for (String stale : parsed.superseded()) {
            seen.add(envelope.getTenant() + "|" + stale, time);
        }
        // after parsing: an envelope that failed is parsed again if the vendor sends it again. Not when an event named like
        // the envelope went to another task: that task remembers the name (it may be this one, which would then drop it)
        if (!arrival.reKeyedUnderItsName) {
            seen.addNew(dedupeKey, time);
        }
    }

    /**
     * The raw record an envelope came in: its key, its dedupe key (already checked), its time, and whether an event named
     * like the envelope was re-keyed.
     */
    private static final class Arrival {
        final RawKey key;
        final String dedupeKey;
        final long time;
        boolean reKeyedUnderItsName;

        Arrival(RawKey key, String dedupeKey, long time) {
            this.key = key;
            this.dedupeKey = dedupeKey;
            this.time = time;
        }
    }

    /**
     * To the lead here when the record is keyed by the event's contact (once per canonical id), else re-keyed to its
     * contact's task, which checks the id there: only the contact's task knows whether it handled the event before.
     */
    private void handOn(Arrival arrival, ContactKey contact, String eventId, SpecificRecord event, long eventTime) {
        RawKey key = arrival.key;
        if (key != null && contact.getTenant().equals(key.getTenant()) && contact.getContact().equals(key.getStream())) {
            // an event named like its envelope was checked with it (the common case: one read of the store per call)
            if (eventId.equals(arrival.dedupeKey) || firstTime(contact.getTenant(), eventId, arrival.time)) {
                context.forward(new Record<>(contact, event, eventTime), children.lead());
            }
        } else {
            arrival.reKeyedUnderItsName |= eventId.equals(arrival.dedupeKey);
            context.forward(new Record<>(contact, new ContactEvent(event), eventTime), children.reKeyed());
        }
    }

    /** Remembers a canonical event's id; false when it was handled before (and is dropped now). */
    private boolean firstTime(String tenant, String eventId, long time) {
        return seen.add(tenant + "|" + eventId, time);
    }

    private Parsed parse(RawEnvelope envelope) {
        TenantConfig tenant = config.tenant(envelope.getTenant())
                .orElseThrow(() -> new UnparseableEvent("tenant '" + envelope.getTenant() + "' is not configured"));
        if (!envelope.getSignatureVerified()) {
            throw new UnparseableEvent("signature was not verified at the gateway");
        }
        RawEventParser parser = parsers.get(envelope.getVendor());
        if (parser == null) {
            throw new UnparseableEvent("no parser for vendor " + envelope.getVendor());
        }
        Parsed parsed = parser.parse(envelope, tenant);
        // an event "from the future" is a clock or time-zone misconfiguration; Kafka would refuse it anyway
        Instant limit = envelope.getReceivedAt().plus(MAX_AHEAD_OF_ARRIVAL);
        parsed.latestEventTime().filter(t -> t.isAfter(limit)).ifPresent(t -> {
            throw new UnparseableEvent("event time " + t + " is " + Duration.between(envelope.getReceivedAt(), t).toMinutes()
                    + " min after the request arrived (" + envelope.getReceivedAt() + "): check the tenant's timeZone"
                    + " (and mango.timeOffsetSeconds)");
        });
        return parsed;
    }

    private void deadLetter(Record<RawKey, RawEnvelope> record, RawEnvelope envelope, UnparseableEvent error) {
        RecordMetadata where = context.recordMetadata().orElseThrow();
        log.warn("Dead-lettered {} from {}/{}@{}: {}", envelope.getDedupeKey(), where.topic(), where.partition(),
                where.offset(), error.getMessage());
        DeadLetter letter = DeadLetters.of(envelope.getTenant(), STAGE, error.getMessage(), error, where.topic(),
                where.partition(), where.offset(), null, Envelopes.body(envelope));
        context.forward(new Record<>(DeadLetters.keyFor(envelope.getTenant(), where.topic(), where.partition(), where.offset()),
                letter, record.timestamp()), children.deadLetter());
    }
}
