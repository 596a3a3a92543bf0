package io.leadflow.lead;

import io.leadflow.avro.CallDirection;
import io.leadflow.avro.CallEvent;
import io.leadflow.avro.ContactKey;
import io.leadflow.avro.CrmStageChange;
import io.leadflow.avro.LeadEvent;
import io.leadflow.avro.LeadState;
import io.leadflow.avro.Touch;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.config.TenantConfig;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;


/**
 * Applies {@link LeadLifecycle} per contact: reads the contact's lead from the state store, emits the lead
 * events and the new state. Its inputs — canonical calls, touches and CRM stage changes re-keyed by contact —
 * are all keyed by contact and partitioned alike, so all of one contact's inputs are handled in order by one task.
 */
public final class LeadLifecycleProcessor implements Processor<ContactKey, Object, ContactKey, Object> {
    private final LeadflowConfig config;
    private final String storeName;
    private final String indexStoreName;
    private final String eventsChild;
    private final String stateChild;
    private ProcessorContext<ContactKey, Object> context;
    private KeyValueStore<ContactKey, LeadState> leads;
    private KeyValueStore<String, ContactKey> leadIds;

    public LeadLifecycleProcessor(LeadflowConfig config, String storeName, String indexStoreName, String eventsChild,
                                  String stateChild) {
        this.config = config;
        this.storeName = storeName;
        this.indexStoreName = indexStoreName;
        this.eventsChild = eventsChild;
        this.stateChild = stateChild;
    }

    @Override
    public void init(ProcessorContext<ContactKey, Object> context) {
        this.context = context;
        this.leads = context.getStateStore(storeName);
        this.leadIds = context.getStateStore(indexStoreName);
    }

    @Override
    public void process(Record<ContactKey, Object> record) {
        // Java 17: no pattern matching in switch yet
        if (record.value() instanceof CallEvent call && call.getDirection() == CallDirection.OUTBOUND) {
            ContactKey key = new ContactKey(call.getTenant(), call.getContact());
            apply(key, LeadLifecycle.decideOutbound(leads.get(key), call, rules(call.getTenant())));
        } else if (record.value() instanceof CallEvent call) {
            LeadInput.of(call).ifPresent(input -> apply(input.key(), LeadLifecycle.decide(leads.get(input.key()), input, rules(input.tenant()))));
        } else if (record.value() instanceof Touch touch) {
            LeadInput input = LeadInput.of(touch);
            apply(input.key(), LeadLifecycle.decide(leads.get(input.key()), input, rules(input.tenant())));
        } else if (record.value() instanceof CrmStageChange change) {
            apply(record.key(), LeadLifecycle.decide(leads.get(record.key()), change));
        }
    }

    private TenantConfig.LeadsConfig rules(String tenant) {
        return config.tenant(tenant).map(TenantConfig::leads).orElseGet(TenantConfig.LeadsConfig::defaults);
    }

    private void apply(ContactKey key, LeadLifecycle.Decision decision) {
        if (decision.state() == null) {
            return;
        }
        leads.put(key, decision.state());
        for (LeadEvent event : decision.events()) {
            if (event.getSequence() == 1) {
                leadIds.put(event.getLeadId(), key);
            }
            context.forward(new Record<>(key, event, event.getOccurredAt().toEpochMilli()), eventsChild);
        }
        if (!decision.events().isEmpty()) {
            long time = decision.events().get(decision.events().size() - 1).getOccurredAt().toEpochMilli();
            context.forward(new Record<>(key, decision.state(), time), stateChild);
        }
    }
}
