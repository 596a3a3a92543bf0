package io.leadflow.topics;

import io.leadflow.avro.Alert;
import io.leadflow.avro.AttributionEvent;
import io.leadflow.avro.AttributionKey;
import io.leadflow.avro.ChannelDelta;
import io.leadflow.avro.ChannelKey;
import io.leadflow.avro.ChannelPerformance;
import io.leadflow.avro.ConnectorCursor;
import io.leadflow.avro.ContactEvent;
import io.leadflow.avro.ContactKey;
import io.leadflow.avro.DeadLetter;
import io.leadflow.avro.FunnelFigures;
import io.leadflow.avro.FunnelKey;
import io.leadflow.avro.LeadEvent;
import io.leadflow.avro.RawEnvelope;
import io.leadflow.avro.RawKey;
import io.leadflow.avro.RosterEntry;
import io.leadflow.avro.RosterKey;
import io.leadflow.avro.TeamLoad;
import io.leadflow.avro.TeamShareKey;
import io.leadflow.avro.Vendor;
import io.leadflow.registry.client.SchemaRegistryClient;
import io.leadflow.registry.serde.SpecificAvroDeserializer;
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
 * takes its topics from here, so a name or a serde is never spelled twice. Keys are plain text ({@link PlainKeySerde}:
 * what decides a partition or a store key never depends on a registry); values are Avro in the Confluent wire format.
 */
public final class Topics {
    public static final String PREFIX = "leadflow.";
    public static final String CONTACT_EVENTS = PREFIX + "contact-events";
    public static final String LEAD_EVENTS = PREFIX + "lead-events";
    public static final String DEAD_LETTER = PREFIX + "dead-letter";
    public static final String CONNECTOR_CURSORS = PREFIX + "connector-cursors";
    public static final String ROSTER = PREFIX + "roster";
    public static final String TEAM_LEDGER = PREFIX + "team-ledger";
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
    private final Topic<ContactKey, ContactEvent> contactEvents;
    private final Topic<ContactKey, LeadEvent> leadEvents;
    private final Topic<RawKey, DeadLetter> deadLetter;
    private final Topic<RawKey, ConnectorCursor> connectorCursors;
    private final Topic<RosterKey, RosterEntry> roster;
    private final Topic<TeamShareKey, TeamLoad> teamLedger;
    private final Topic<ContactKey, Alert> alerts;
    private final Topic<AttributionKey, AttributionEvent> attribution;
    private final Topic<ChannelKey, ChannelDelta> channelDeltas;
    private final Topic<ChannelKey, ChannelPerformance> channelPerformance;
    private final Topic<FunnelKey, FunnelFigures> funnelDeltas;
    private final Topic<FunnelKey, FunnelFigures> funnelPerformance;
    private final SchemaRegistryClient registry;
    private final Map<String, ?> serdeConfig;
    private final Map<String, SpecificAvroSerde<?>> storeSerdes = new java.util.concurrent.ConcurrentHashMap<>();

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
        contactEvents = rekeyed(CONTACT_EVENTS, ContactKey.class, ContactEvent.class, registry, serdeConfig);
        leadEvents = topic(LEAD_EVENTS, ContactKey.class, LeadEvent.class, registry, serdeConfig, false, FOREVER);
        deadLetter = topic(DEAD_LETTER, RawKey.class, DeadLetter.class, registry, serdeConfig, false, DEAD_LETTER_RETENTION_MS);
        connectorCursors = topic(CONNECTOR_CURSORS, RawKey.class, ConnectorCursor.class, registry, serdeConfig, true, FOREVER);
        roster = topic(ROSTER, RosterKey.class, RosterEntry.class, registry, serdeConfig, true, FOREVER);
        teamLedger = topic(TEAM_LEDGER, TeamShareKey.class, TeamLoad.class, registry, serdeConfig, true, FOREVER);
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

    /**
     * Canonical events (calls, touches, CRM stage changes) re-keyed by their contact, for the few whose raw record was not
     * keyed by it (a CRM change names a deal): the lead task reads them back. Most events never pass here: the gateway
     * keys raw records by contact, so they are parsed in their contact's task.
     */
    public Topic<ContactKey, ContactEvent> contactEvents() {
        return contactEvents;
    }

    /** The lead event log, keyed by tenant + contact. */
    public Topic<ContactKey, LeadEvent> leadEvents() {
        return leadEvents;
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

    /**
     * Each lead task's share of each team's routing state (compacted: open leads per manager, last pick), which every
     * instance reads whole, so that a lead is routed where it lives and still sees the whole team.
     */
    public Topic<TeamShareKey, TeamLoad> teamLedger() {
        return teamLedger;
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

    /**
     * A serde for the values of the state store {@code store}, registered under its changelog topic's subject (see
     * {@link #registerSchemas}).
     */
    public <T extends SpecificRecord> Serde<T> storeValueSerde(String store, Class<T> type) {
        SpecificAvroSerde<T> serde = new SpecificAvroSerde<>(type, registry);
        serde.configure(serdeConfig, false);
        storeSerdes.put(store, serde);
        return serde;
    }

    /**
     * Registers (or looks up) every value schema the engine writes — its topics', and its stores' under their changelogs'
     * subjects — before it starts: otherwise the first record of each (about twenty-five) waits for the registry on the
     * stream thread, and so does every record behind it, in the first seconds after the engine said it was up.
     *
     * @param applicationId the Kafka Streams application, whose changelog topics are {@code <id>-<store>-changelog}
     */
    public void registerSchemas(String applicationId) {
        for (Topic<?, ?> topic : all()) {
            if (topic.valueSerde() instanceof SpecificAvroSerde<?> serde) {
                serde.register(topic.name());
            }
        }
        storeSerdes.forEach((store, serde) -> serde.register(applicationId + "-" + store + "-changelog"));
    }

    /** Every topic leadflow owns, for provisioning. */
    public List<Topic<?, ?>> all() {
        return Stream.concat(raw.values().stream(), Stream.of(contactEvents, leadEvents, deadLetter, connectorCursors, roster, teamLedger, alerts, attribution, channelDeltas, channelPerformance,
                        funnelDeltas, funnelPerformance))
                .<Topic<?, ?>>map(t -> t)
                .toList();
    }

    private static <K extends SpecificRecord, V extends SpecificRecord> Topic<K, V> topic(
            String name, Class<K> keyClass, Class<V> valueClass, SchemaRegistryClient registry,
            Map<String, ?> serdeConfig, boolean compacted, long retentionMs) {
        PlainKeySerde<K> keySerde = new PlainKeySerde<>(keyClass, new SpecificAvroDeserializer<>(keyClass, registry));
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
