package io.leadflow.intake;

import io.leadflow.avro.CallEvent;
import io.leadflow.avro.ContactKey;
import io.leadflow.avro.DeadLetter;
import io.leadflow.avro.RawEnvelope;
import io.leadflow.avro.RawKey;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.config.TenantConfig;
import io.leadflow.engine.DeadLetters;
import io.leadflow.engine.state.ExpiringKeys;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Raw vendor envelopes → canonical call events keyed by tenant + contact. Redelivered vendor events (a
 * dedupe key seen within the dedupe window, in stream time) are dropped; envelopes that cannot be parsed
 * go to the dead-letter topic with the reason and the vendor's body, and processing goes on.
 */
public final class Normalizer implements Processor<RawKey, RawEnvelope, Object, Object> {
    private static final Logger log = LoggerFactory.getLogger(Normalizer.class);
    public static final String STAGE = "intake-normalize";
    /** How often, in stream time, remembered event ids are expired, and how many at most per run. */
    static final Duration EXPIRY_INTERVAL = Duration.ofMinutes(1);
    static final int EXPIRY_BATCH = 10_000;

    private final LeadflowConfig config;
    private final Map<io.leadflow.avro.Vendor, RawEventParser> parsers;
    private final String dedupeStoreName;
    private final Duration dedupeWindow;
    private final String callsChild;
    private final String deadLetterChild;

    private ProcessorContext<Object, Object> context;
    private ExpiringKeys seen;

    public Normalizer(LeadflowConfig config, Map<io.leadflow.avro.Vendor, RawEventParser> parsers, String dedupeStoreName,
                      Duration dedupeWindow, String callsChild, String deadLetterChild) {
        this.config = config;
        this.parsers = parsers;
        this.dedupeStoreName = dedupeStoreName;
        this.dedupeWindow = dedupeWindow;
        this.callsChild = callsChild;
        this.deadLetterChild = deadLetterChild;
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
        String dedupeKey = envelope.getDedupeKey();
        long time = record.timestamp();
        if (seen.contains(dedupeKey)) {
            log.debug("Dropped redelivered event {}", dedupeKey);
            return;
        }
        List<CallEvent> events;
        try {
            events = parse(envelope);
        } catch (UnparseableEvent e) {
            deadLetter(record, envelope, e);
            return;
        }
        for (CallEvent event : events) {
            context.forward(new Record<>(new ContactKey(event.getTenant(), event.getContact()), event,
                    event.getStartedAt().toEpochMilli()), callsChild);
        }
        seen.add(dedupeKey, time);
    }

    private List<CallEvent> parse(RawEnvelope envelope) {
        TenantConfig tenant = config.tenant(envelope.getTenant())
                .orElseThrow(() -> new UnparseableEvent("tenant '" + envelope.getTenant() + "' is not configured"));
        if (!envelope.getSignatureVerified()) {
            throw new UnparseableEvent("signature was not verified at the gateway");
        }
        RawEventParser parser = parsers.get(envelope.getVendor());
        if (parser == null) {
            throw new UnparseableEvent("no parser for vendor " + envelope.getVendor());
        }
        return parser.parse(envelope, tenant);
    }

    private void deadLetter(Record<RawKey, RawEnvelope> record, RawEnvelope envelope, UnparseableEvent error) {
        RecordMetadata where = context.recordMetadata().orElseThrow();
        log.warn("Dead-lettered {} from {}/{}@{}: {}", envelope.getDedupeKey(), where.topic(), where.partition(),
                where.offset(), error.getMessage());
        DeadLetter letter = DeadLetters.of(envelope.getTenant(), STAGE, error.getMessage(), error, where.topic(),
                where.partition(), where.offset(), null, Envelopes.body(envelope));
        context.forward(new Record<>(DeadLetters.keyFor(envelope.getTenant(), where.topic(), where.partition(), where.offset()),
                letter, record.timestamp()), deadLetterChild);
    }
}
