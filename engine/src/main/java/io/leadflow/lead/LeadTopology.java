package io.leadflow.lead;

import io.leadflow.config.LeadflowConfig;
import io.leadflow.topics.Topics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;
import io.leadflow.sla.SlaMetrics;
import io.leadflow.sla.SlaTiming;
import io.leadflow.sla.TimerIndex;

/**
 * The lead sub-topology: canonical calls, touches, (re-keyed by contact) CRM stage changes and the team
 * routers' assignments → {@link LeadLifecycleProcessor} → lead events + lead state, routing commands for the team
 * routers, and SLA alerts.
 */
public final class LeadTopology {
    public static final String CALLS_SOURCE = "lead-calls-source";
    public static final String TOUCHES_SOURCE = "lead-touches-source";
    public static final String CRM_SOURCE = "lead-crm-stage-changes-source";
    public static final String CRM_BY_CONTACT = "lead-crm-by-contact";
    public static final String CRM_BY_CONTACT_SINK = "lead-crm-by-contact-sink";
    public static final String CRM_BY_CONTACT_SOURCE = "lead-crm-by-contact-source";
    public static final String ASSIGNMENTS_SOURCE = "lead-assignments-source";
    public static final String LIFECYCLE = "lead-lifecycle";
    public static final String STATE_STORE = "lead-state-store";
    /** Lead id → contact, beside the lead's state: answers "which contact is lead X" on the instance that holds X. */
    public static final String LEAD_ID_STORE = "lead-id-index-store";
    /** Each lead's next SLA step, in time order (see {@code TimerIndex}). */
    public static final String TIMER_STORE = "lead-sla-timer-store";
    public static final String EVENTS_SINK = "lead-events-sink";
    public static final String STATE_SINK = "lead-state-sink";
    public static final String ROUTING_SINK = "lead-routing-commands-sink";
    public static final String ALERTS_SINK = "lead-alerts-sink";

    /** Open leads per tenant and SLA state, kept with the leads so the gauges survive restarts (see {@code SlaMetrics}). */
    public static final String COUNTS_STORE = "lead-sla-counts-store";

    /** The stores and children the lifecycle processor uses. */
    public record Names(String stateStore, String leadIdStore, String timerStore, String countsStore, String events, String state,
                        String routing, String alerts) {
    }

    private static final Names NAMES = new Names(STATE_STORE, LEAD_ID_STORE, TIMER_STORE, COUNTS_STORE, EVENTS_SINK, STATE_SINK,
            ROUTING_SINK, ALERTS_SINK);

    private LeadTopology() {
    }

    public static void addTo(Topology topology, Topics topics, LeadflowConfig config, SlaTiming timing, SlaMetrics metrics) {
        var calls = topics.calls();
        var touches = topics.touches();
        var events = topics.leadEvents();
        var state = topics.leadState();
        topology.addSource(CALLS_SOURCE, calls.keySerde().deserializer(), calls.valueSerde().deserializer(), calls.name());
        topology.addSource(TOUCHES_SOURCE, touches.keySerde().deserializer(), touches.valueSerde().deserializer(), touches.name());

        // CRM changes are keyed by CRM entity; those that name a contact are re-keyed to reach its lead
        var crm = topics.crmStageChanges();
        var byContact = topics.crmChangesByContact();
        topology.addSource(CRM_SOURCE, crm.keySerde().deserializer(), crm.valueSerde().deserializer(), crm.name());
        topology.addProcessor(CRM_BY_CONTACT, CrmChangesByContact::new, CRM_SOURCE);
        topology.addSink(CRM_BY_CONTACT_SINK, byContact.name(), byContact.keySerde().serializer(), byContact.valueSerde().serializer(),
                CRM_BY_CONTACT);
        topology.addSource(CRM_BY_CONTACT_SOURCE, byContact.keySerde().deserializer(), byContact.valueSerde().deserializer(), byContact.name());

        // the team routers' decisions come back keyed by contact (RoutingTopology)
        var assignments = topics.leadAssignments();
        topology.addSource(ASSIGNMENTS_SOURCE, assignments.keySerde().deserializer(), assignments.valueSerde().deserializer(),
                assignments.name());

        topology.addProcessor(LIFECYCLE,
                () -> new LeadLifecycleProcessor(config, NAMES, timing, metrics),
                CALLS_SOURCE, TOUCHES_SOURCE, CRM_BY_CONTACT_SOURCE, ASSIGNMENTS_SOURCE);
        topology.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(LEAD_ID_STORE), Serdes.String(), state.keySerde()), LIFECYCLE);
        topology.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(STATE_STORE), state.keySerde(), state.valueSerde()), LIFECYCLE);
        topology.addStateStore(TimerIndex.storeBuilder(TIMER_STORE), LIFECYCLE);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(COUNTS_STORE), Serdes.String(), Serdes.Long()),
                LIFECYCLE);
        topology.addSink(EVENTS_SINK, events.name(), events.keySerde().serializer(), events.valueSerde().serializer(), LIFECYCLE);
        topology.addSink(STATE_SINK, state.name(), state.keySerde().serializer(), state.valueSerde().serializer(), LIFECYCLE);
        var commands = topics.routingCommands();
        topology.addSink(ROUTING_SINK, commands.name(), commands.keySerde().serializer(), commands.valueSerde().serializer(), LIFECYCLE);
        var alerts = topics.alerts();
        topology.addSink(ALERTS_SINK, alerts.name(), alerts.keySerde().serializer(), alerts.valueSerde().serializer(), LIFECYCLE);
    }
}
