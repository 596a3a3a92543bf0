package io.leadflow.lead;

import io.leadflow.avro.CallEvent;
import io.leadflow.avro.ContactKey;
import io.leadflow.avro.LeadState;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Applies {@link LeadLifecycle} per contact: reads the contact's lead from the state store, emits the
 * lead event and the new state. Input is keyed by contact, so one contact's calls are handled in order
 * by one task.
 */
public final class LeadLifecycleProcessor implements Processor<ContactKey, CallEvent, ContactKey, Object> {
    private final String storeName;
    private final String eventsChild;
    private final String stateChild;
    private ProcessorContext<ContactKey, Object> context;
    private KeyValueStore<ContactKey, LeadState> leads;

    public LeadLifecycleProcessor(String storeName, String eventsChild, String stateChild) {
        this.storeName = storeName;
        this.eventsChild = eventsChild;
        this.stateChild = stateChild;
    }

    @Override
    public void init(ProcessorContext<ContactKey, Object> context) {
        this.context = context;
        this.leads = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<ContactKey, CallEvent> record) {
        CallEvent call = record.value();
        if (call == null) {
            return;
        }
        ContactKey key = LeadLifecycle.keyOf(call);
        LeadLifecycle.decide(leads.get(key), call).ifPresent(decision -> {
            leads.put(key, decision.state());
            long time = decision.event().getOccurredAt().toEpochMilli();
            context.forward(new Record<>(key, decision.event(), time), eventsChild);
            context.forward(new Record<>(key, decision.state(), time), stateChild);
        });
    }
}
