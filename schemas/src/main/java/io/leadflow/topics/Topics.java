package io.leadflow.topics;

import io.leadflow.avro.Alert;
import io.leadflow.avro.AttributionEvent;
import io.leadflow.avro.AttributionKey;
import io.leadflow.avro.CallEvent;
import io.leadflow.avro.ChannelDelta;
import io.leadflow.avro.ChannelKey;
import io.leadflow.avro.ChannelPerformance;
import io.leadflow.avro.ConnectorCursor;
import io.leadflow.avro.ContactKey;
import io.leadflow.avro.CrmKey;
import io.leadflow.avro.CrmStageChange;
import io.leadflow.avro.DeadLetter;
import io.leadflow.avro.FunnelFigures;
import io.leadflow.avro.FunnelKey;
import io.leadflow.avro.LeadAssignment;
import io.leadflow.avro.LeadEvent;
import io.leadflow.avro.LeadState;
import io.leadflow.avro.RawEnvelope;
import io.leadflow.avro.RawKey;
import io.leadflow.avro.RosterEntry;
import io.leadflow.avro.RosterKey;
import io.leadflow.avro.RoutingCommand;
import io.leadflow.avro.TeamKey;
import io.leadflow.avro.Touch;
import io.leadflow.avro.Vendor;
import io.leadflow.registry.client.SchemaRegistryClient;
import io.leadflow.registry.serde.SpecificAvroSerde;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The one registry of leadflow's topics: names, key and value schemas, serdes, retention. Every module
 * takes its topics from here, so a name or a serde is never spelled twice.
 */
public final class Topics {
    public static final String PREFIX = "leadflow.";
    public static final String CALLS = PREFIX + "calls";
    public static final String TOUCHES = PREFIX + "touches";
    public static final String CRM_STAGE_CHANGES = PREFIX + "crm-stage-changes";
    public static final String CRM_CHANGES_BY_CONTACT = PREFIX + "crm-changes-by-contact";
    public static final String LEAD_EVENTS = PREFIX + "lead-events";
    public static final String LEAD_STATE = PREFIX + "lead-state";
    public static final String DEAD_LETTER = PREFIX + "dead-letter";
    public static final String CONNECTOR_CURSORS = PREFIX + "connector-cursors";
    public static final String ROSTER = PREFIX + "roster";
    public static final String ROUTING_COMMANDS = PREFIX + "routing-commands";
    public static final String LEAD_ASSIGNMENTS = PREFIX + "lead-assignments";
    public static final String ALERTS = PREFIX + "alerts";
    public static final String ATTRIBUTION = PREFIX + "attribution";
    public static final String CHANNEL_DELTAS = PREFIX + "channel-deltas";
    public static final String CHANNEL_PERFORMANCE = PREFIX + "channel-performance";
    public static final String FUNNEL_DELTAS = PREFIX + "funnel-deltas";
    public static final String FUNNEL_PERFORMANCE = PREFIX + "funnel-performance";

    /** Raw vendor requests are the source of truth for re-parsing: keep them long. */
    private static final long RAW_RETENTION_MS = Duration.ofDays(90).toMillis();
    private static final long DEAD_LETTER_RETENTION_MS = Duration.ofDays(30).toMillis();
    private static final long FOREVER = -1;
    private static final long ALERT_RETENTION_MS = Duration.ofDays(90).toMillis();

    private final Map<Vendor, Topic<RawKey, RawEnvelope>> raw = new EnumMap<>(Vendor.class);
    private final Topic<ContactKey, CallEvent> calls;
    private final Topic<ContactKey, Touch> touches;
    private final Topic<CrmKey, CrmStageChange> crmStageChanges;
    private final Topic<ContactKey, CrmStageChange> crmChangesByContact;
    private final Topic<ContactKey, LeadEvent> leadEvents;
    private final Topic<ContactKey, LeadState> leadState;
    private final Topic<RawKey, DeadLetter> deadLetter;
    private final Topic<RawKey, ConnectorCursor> connectorCursors;
    private final Topic<RosterKey, RosterEntry> roster;
    private final Topic<TeamKey, RoutingCommand> routingCommands;
    private final Topic<ContactKey, LeadAssignment> leadAssignments;
    private final Topic<ContactKey, Alert> alerts;
    private final Topic<AttributionKey, AttributionEvent> attribution;
    private final Topic<ChannelKey, ChannelDelta> channelDeltas;
    private final Topic<ChannelKey, ChannelPerformance> channelPerformance;
    private final Topic<FunnelKey, FunnelFigures> funnelDeltas;
    private final Topic<FunnelKey, FunnelFigures> funnelPerformance;
    private final SchemaRegistryClient registry;
    private final Map<String, ?> serdeConfig;

    /**
     * @param registry     the schema registry all serdes share (one client, one cache)
     * @param serdeConfig  serde settings such as {@code auto.register.schemas} and subject name strategies
     */
    public Topics(SchemaRegistryClient registry, Map<String, ?> serdeConfig) {
        this.registry = registry;
        this.serdeConfig = serdeConfig;
        for (Vendor vendor : Vendor.values()) {
            if (vendor != Vendor.UNKNOWN && vendor != Vendor.LEADFLOW) {
                raw.put(vendor, topic(rawTopicName(vendor), RawKey.class, RawEnvelope.class, registry, serdeConfig, false, RAW_RETENTION_MS));
            }
        }
        calls = topic(CALLS, ContactKey.class, CallEvent.class, registry, serdeConfig, false, FOREVER);
        touches = topic(TOUCHES, ContactKey.class, Touch.class, registry, serdeConfig, false, FOREVER);
        crmStageChanges = topic(CRM_STAGE_CHANGES, CrmKey.class, CrmStageChange.class, registry, serdeConfig, false, FOREVER);
        crmChangesByContact = rekeyed(CRM_CHANGES_BY_CONTACT, ContactKey.class, CrmStageChange.class, registry, serdeConfig);
        leadEvents = topic(LEAD_EVENTS, ContactKey.class, LeadEvent.class, registry, serdeConfig, false, FOREVER);
        leadState = topic(LEAD_STATE, ContactKey.class, LeadState.class, registry, serdeConfig, true, FOREVER);
        deadLetter = topic(DEAD_LETTER, RawKey.class, DeadLetter.class, registry, serdeConfig, false, DEAD_LETTER_RETENTION_MS);
        connectorCursors = topic(CONNECTOR_CURSORS, RawKey.class, ConnectorCursor.class, registry, serdeConfig, true, FOREVER);
        roster = topic(ROSTER, RosterKey.class, RosterEntry.class, registry, serdeConfig, true, FOREVER);
        routingCommands = rekeyed(ROUTING_COMMANDS, TeamKey.class, RoutingCommand.class, registry, serdeConfig);
        leadAssignments = rekeyed(LEAD_ASSIGNMENTS, ContactKey.class, LeadAssignment.class, registry, serdeConfig);
        alerts = topic(ALERTS, ContactKey.class, Alert.class, registry, serdeConfig, false, ALERT_RETENTION_MS);
        attribution = topic(ATTRIBUTION, AttributionKey.class, AttributionEvent.class, registry, serdeConfig, false, FOREVER);
        channelDeltas = rekeyed(CHANNEL_DELTAS, ChannelKey.class, ChannelDelta.class, registry, serdeConfig);
        channelPerformance = topic(CHANNEL_PERFORMANCE, ChannelKey.class, ChannelPerformance.class, registry, serdeConfig, true, FOREVER);
        funnelDeltas = rekeyed(FUNNEL_DELTAS, FunnelKey.class, FunnelFigures.class, registry, serdeConfig);
        funnelPerformance = topic(FUNNEL_PERFORMANCE, FunnelKey.class, FunnelFigures.class, registry, serdeConfig, true, FOREVER);
    }

    public static String rawTopicName(Vendor vendor) {
        return PREFIX + "raw." + vendor.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Verbatim vendor requests, keyed by tenant + the vendor's ordering key (e.g. Mango entry_id). */
    public Topic<RawKey, RawEnvelope> raw(Vendor vendor) {
        Topic<RawKey, RawEnvelope> topic = raw.get(vendor);
        if (topic == null) {
            throw new IllegalArgumentException("No raw topic for vendor " + vendor);
        }
        return topic;
    }

    /** Canonical call outcomes from every PBX and call tracker, keyed by tenant + contact. */
    public Topic<ContactKey, CallEvent> calls() {
        return calls;
    }

    /** Canonical marketing touches (tracked calls, forms), keyed by tenant + contact. */
    public Topic<ContactKey, Touch> touches() {
        return touches;
    }

    /** CRM deals and leads moving between stages, keyed by the CRM entity. */
    public Topic<CrmKey, CrmStageChange> crmStageChanges() {
        return crmStageChanges;
    }

    /** The CRM stage changes that name a contact, re-keyed by it so they reach that contact's lead. */
    public Topic<ContactKey, CrmStageChange> crmChangesByContact() {
        return crmChangesByContact;
    }

    /** The lead event log, keyed by tenant + contact. */
    public Topic<ContactKey, LeadEvent> leadEvents() {
        return leadEvents;
    }

    /** Current lead per contact (compacted). */
    public Topic<ContactKey, LeadState> leadState() {
        return leadState;
    }

    /** Records the engine could not process, with the reason and the raw bytes. */
    public Topic<RawKey, DeadLetter> deadLetter() {
        return deadLetter;
    }

    /** Where the vendor-API pollers keep their position, per tenant and connector. */
    public Topic<RawKey, ConnectorCursor> connectorCursors() {
        return connectorCursors;
    }

    /** Managers, teams and lines of every tenant (compacted): each record is one change of one of them. */
    public Topic<RosterKey, RosterEntry> roster() {
        return roster;
    }

    /** What leads ask of their team's router, re-keyed by team so one task owns a team's rotation and counts. */
    public Topic<TeamKey, RoutingCommand> routingCommands() {
        return routingCommands;
    }

    /** The routers' decisions, re-keyed by contact so they reach the lead. */
    public Topic<ContactKey, LeadAssignment> leadAssignments() {
        return leadAssignments;
    }

    /** What people must hear about: unassigned leads, and (with SLAs) warnings and breaches. */
    public Topic<ContactKey, Alert> alerts() {
        return alerts;
    }

    /**
     * Where each lead (and its revenue) came from under every model, for marketing: no raw phone numbers. Kept
     * forever, every revision: a warehouse takes each lead's highest revision.
     */
    public Topic<AttributionKey, AttributionEvent> attribution() {
        return attribution;
    }

    /** Where attribution writes: the live topics, or a re-attribution's beside them. */
    public record AttributionOutputs(Topic<AttributionKey, AttributionEvent> attribution, Topic<ChannelKey, ChannelDelta> channelDeltas,
                                     Topic<ChannelKey, ChannelPerformance> channelPerformance) {
        public List<Topic<?, ?>> all() {
            return List.of(attribution, channelDeltas, channelPerformance);
        }
    }

    /**
     * The attribution outputs: the live ones for a null label; for a re-attribution by replay, the same topics suffixed
     * {@code .<label>} (e.g. {@code leadflow.attribution.decay-3d}), so its history never mixes with the live one.
     */
    public AttributionOutputs attributionOutputs(String label) {
        if (label == null) {
            return new AttributionOutputs(attribution, channelDeltas, channelPerformance);
        }
        return new AttributionOutputs(
                topic(ATTRIBUTION + "." + label, AttributionKey.class, AttributionEvent.class, registry, serdeConfig, false, FOREVER),
                rekeyed(CHANNEL_DELTAS + "." + label, ChannelKey.class, ChannelDelta.class, registry, serdeConfig),
                topic(CHANNEL_PERFORMANCE + "." + label, ChannelKey.class, ChannelPerformance.class, registry, serdeConfig, true, FOREVER));
    }

    /** What each attribution revision changes in each channel slice, re-keyed by slice so one task adds a slice up. */
    public Topic<ChannelKey, ChannelDelta> channelDeltas() {
        return channelDeltas;
    }

    /** Channel performance for marketing (compacted): each slice's latest figures; no phone numbers. */
    public Topic<ChannelKey, ChannelPerformance> channelPerformance() {
        return channelPerformance;
    }

    /** What each lead event changes in each funnel slice, re-keyed by slice so one task adds a slice up. */
    public Topic<FunnelKey, FunnelFigures> funnelDeltas() {
        return funnelDeltas;
    }

    /** Funnel figures (compacted): each slice's latest — a cohort period × slice's stages, conversions, times, deals. */
    public Topic<FunnelKey, FunnelFigures> funnelPerformance() {
        return funnelPerformance;
    }

    /** A serde for the values of a state store (registered under its changelog topic's subject). */
    public <T extends SpecificRecord> Serde<T> storeValueSerde(Class<T> type) {
        SpecificAvroSerde<T> serde = new SpecificAvroSerde<>(type, registry);
        serde.configure(serdeConfig, false);
        return serde;
    }

    /** Every topic leadflow owns, for provisioning. */
    public List<Topic<?, ?>> all() {
        return Stream.concat(raw.values().stream(), Stream.of(calls, touches, crmStageChanges, crmChangesByContact,
                        leadEvents, leadState, deadLetter, connectorCursors, roster, routingCommands, leadAssignments, alerts, attribution, channelDeltas, channelPerformance,
                        funnelDeltas, funnelPerformance))
                .<Topic<?, ?>>map(t -> t)
                .toList();
    }

    private static <K extends SpecificRecord, V extends SpecificRecord> Topic<K, V> topic(
            String name, Class<K> keyClass, Class<V> valueClass, SchemaRegistryClient registry,
            Map<String, ?> serdeConfig, boolean compacted, long retentionMs) {
        SpecificAvroSerde<K> keySerde = new SpecificAvroSerde<>(keyClass, registry);
        keySerde.configure(serdeConfig, true);
        SpecificAvroSerde<V> valueSerde = new SpecificAvroSerde<>(valueClass, registry);
        valueSerde.configure(serdeConfig, false);
        return new Topic<>(name, keySerde, valueSerde, compacted, retentionMs, false);
    }

    /** A re-keyed copy the engine reads itself, purged once consumed ({@link Topic#purgedOnceConsumed}). */
    private static <K extends SpecificRecord, V extends SpecificRecord> Topic<K, V> rekeyed(
            String name, Class<K> keyClass, Class<V> valueClass, SchemaRegistryClient registry, Map<String, ?> serdeConfig) {
        Topic<K, V> topic = topic(name, keyClass, valueClass, registry, serdeConfig, false, FOREVER);
        return new Topic<>(topic.name(), topic.keySerde(), topic.valueSerde(), false, FOREVER, true);
    }
}
