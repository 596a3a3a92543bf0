package io.leadflow.intake;

import io.leadflow.avro.CallEvent;
import io.leadflow.avro.ContactKey;
import io.leadflow.avro.CrmKey;
import io.leadflow.avro.CrmStageChange;
import io.leadflow.avro.DeadLetter;
import io.leadflow.avro.RawEnvelope;
import io.leadflow.avro.RawKey;
import io.leadflow.avro.Touch;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.config.TenantConfig;
import io.leadflow.topics.DeadLetters;
import io.leadflow.engine.state.ExpiringKeys;
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
 * Raw vendor envelopes → canonical calls and touches keyed by tenant + contact, and CRM stage changes keyed
 * by CRM entity. Redelivered vendor events (a dedupe key seen within the dedupe window, in stream time) are
 * dropped, and so are canonical events whose id was already emitted: the start and end notification of one
 * tracked call give one touch, an unchanged CRM stage gives no second change. Envelopes that cannot be
 * parsed go to the dead-letter topic with the reason and the vendor's body, and processing goes on.
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

    /** The names of the sink nodes each kind of output goes to. */
    public record Children(String calls, String touches, String stageChanges, String deadLetter) {
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
        String dedupeKey = envelope.getTenant() + "|" + envelope.getDedupeKey();
        long time = record.timestamp();
        if (seen.contains(dedupeKey)) {
            log.debug("Dropped redelivered event {}", dedupeKey);
            return;
        }
        Parsed parsed;
        try {
            parsed = parse(envelope);
        } catch (UnparseableEvent e) {
            deadLetter(record, envelope, e);
            return;
        }
        for (CallEvent call : parsed.calls()) {
            if (firstTime(call.getTenant(), call.getEventId(), time)) {
                context.forward(new Record<>(new ContactKey(call.getTenant(), call.getContact()), call,
                        call.getStartedAt().toEpochMilli()), children.calls());
            }
        }
        for (Touch touch : parsed.touches()) {
            if (firstTime(touch.getTenant(), touch.getTouchId(), time)) {
                context.forward(new Record<>(new ContactKey(touch.getTenant(), touch.getContact()), touch,
                        touch.getOccurredAt().toEpochMilli()), children.touches());
            }
        }
        for (CrmStageChange change : parsed.stageChanges()) {
            if (firstTime(change.getTenant(), change.getEventId(), time)) {
                CrmKey key = new CrmKey(change.getTenant(), change.getVendor().name().toLowerCase(java.util.Locale.ROOT) + ":"
                        + change.getEntityType().name().toLowerCase(java.util.Locale.ROOT) + ":" + change.getEntityId());
                context.forward(new Record<>(key, change, change.getOccurredAt().toEpochMilli()), children.stageChanges());
            }
        }
        for (String stale : parsed.superseded()) {
            seen.add(envelope.getTenant() + "|" + stale, time);
        }
        seen.add(dedupeKey, time);
    }

    /** Remembers a canonical event's id; false when it was emitted before (and is dropped now). */
    private boolean firstTime(String tenant, String eventId, long time) {
        String key = tenant + "|" + eventId;
        if (seen.contains(key)) {
            return false;
        }
        seen.add(key, time);
        return true;
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
