package io.leadflow.intake;

import io.leadflow.avro.CallEvent;
import io.leadflow.avro.ContactEvent;
import io.leadflow.avro.ContactKey;
import io.leadflow.avro.CrmStageChange;
import io.leadflow.avro.Touch;
import io.leadflow.engine.state.ExpiringKeys;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import java.time.Duration;

/**
 * Canonical events that reached their contact's task through {@code leadflow.contact-events} ({@link Normalizer} re-keyed
 * them): each goes on to the lead once, by its id, in the dedupe store the normalizer shares in this task.
 */
public final class ReKeyedEvents implements Processor<ContactKey, ContactEvent, ContactKey, Object> {
    private final String dedupeStoreName;
    private final Duration dedupeWindow;
    private final String lead;
    private ProcessorContext<ContactKey, Object> context;
    private ExpiringKeys seen;

    /** @param lead the contact's lead processor, in this task */
    public ReKeyedEvents(String dedupeStoreName, Duration dedupeWindow, String lead) {
        this.dedupeStoreName = dedupeStoreName;
        this.dedupeWindow = dedupeWindow;
        this.lead = lead;
    }

    @Override
    public void init(ProcessorContext<ContactKey, Object> context) {
        this.context = context;
        this.seen = new ExpiringKeys(context.getStateStore(dedupeStoreName), dedupeWindow);
    }

    @Override
    public void process(Record<ContactKey, ContactEvent> record) {
        if (record.value() == null || record.key() == null) {
            return;
        }
        Object event = record.value().getEvent();
        String id = event instanceof CallEvent call ? call.getEventId()
                : event instanceof Touch touch ? touch.getTouchId()
                : ((CrmStageChange) event).getEventId();
        if (seen.add(record.key().getTenant() + "|" + id, record.timestamp())) {
            context.forward(record.withValue(event), lead);
        }
    }
}
