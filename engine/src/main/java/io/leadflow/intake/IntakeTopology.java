package io.leadflow.intake;

import io.leadflow.avro.Vendor;
import io.leadflow.config.LeadflowConfig;
import io.leadflow.intake.amocrm.AmoCrmStageParser;
import io.leadflow.intake.bitrix24.Bitrix24StageParser;
import io.leadflow.intake.calltouch.CallTouchTouchParser;
import io.leadflow.intake.mango.MangoParser;
import io.leadflow.intake.zadarma.ZadarmaCallParser;
import io.leadflow.topics.Topics;
import io.leadflow.engine.state.ExpiringKeys;
import org.apache.kafka.streams.Topology;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * Intake, the first step of the lead task: raw vendor topics → {@link Normalizer} → canonical calls, touches and CRM stage
 * changes to the contact's lead ({@code lead}, the lifecycle processor) in the same task, or re-keyed by contact through
 * {@code leadflow.contact-events} → {@link ReKeyedEvents} → the lead; what cannot be parsed → the dead-letter topic.
 */
public final class IntakeTopology {
    public static final String DEDUPE_STORE = "intake-dedupe-store";
    public static final String NORMALIZE = "intake-normalize";
    public static final String CONTACT_EVENTS_SINK = "intake-contact-events-sink";
    public static final String CONTACT_EVENTS_SOURCE = "intake-contact-events-source";
    public static final String RE_KEYED = "intake-re-keyed-events";
    public static final String DEAD_LETTER_SINK = "intake-dead-letter-sink";

    private IntakeTopology() {
    }

    /** One parser per vendor whose raw topic the engine reads. */
    public static Map<Vendor, RawEventParser> parsers() {
        Map<Vendor, RawEventParser> parsers = new EnumMap<>(Vendor.class);
        parsers.put(Vendor.MANGO, new MangoParser());
        parsers.put(Vendor.ZADARMA, new ZadarmaCallParser());
        parsers.put(Vendor.CALLTOUCH, new CallTouchTouchParser());
        parsers.put(Vendor.AMOCRM, new AmoCrmStageParser());
        parsers.put(Vendor.BITRIX24, new Bitrix24StageParser());
        return parsers;
    }

    /**
     * @param dedupeWindow how long a vendor event id is remembered; redeliveries later than that are
     *                     treated as new events (vendors that retry do so within minutes or hours)
     * @param lead         the processor the canonical events go to: the lead lifecycle, added after this
     */
    public static void addTo(Topology topology, Topics topics, LeadflowConfig config, Duration dedupeWindow, String lead) {
        Map<Vendor, RawEventParser> parsers = parsers();
        String[] sources = parsers.keySet().stream().map(vendor -> {
            var raw = topics.raw(vendor);
            String name = "intake-source-" + vendor.name().toLowerCase(java.util.Locale.ROOT);
            topology.addSource(name, raw.keySerde().deserializer(), raw.valueSerde().deserializer(), raw.name());
            return name;
        }).toArray(String[]::new);

        topology.addProcessor(NORMALIZE,
                () -> new Normalizer(config, parsers, DEDUPE_STORE, dedupeWindow,
                        new Normalizer.Children(lead, CONTACT_EVENTS_SINK, DEAD_LETTER_SINK)),
                sources);
        var contactEvents = topics.contactEvents();
        topology.addSink(CONTACT_EVENTS_SINK, contactEvents.name(),
                contactEvents.keySerde().serializer(), contactEvents.valueSerde().serializer(), NORMALIZE);
        topology.addSink(DEAD_LETTER_SINK, topics.deadLetter().name(),
                topics.deadLetter().keySerde().serializer(), topics.deadLetter().valueSerde().serializer(), NORMALIZE);
        topology.addSource(CONTACT_EVENTS_SOURCE, contactEvents.keySerde().deserializer(), contactEvents.valueSerde().deserializer(),
                contactEvents.name());
        topology.addProcessor(RE_KEYED, () -> new ReKeyedEvents(DEDUPE_STORE, dedupeWindow, lead), CONTACT_EVENTS_SOURCE);
        topology.addStateStore(ExpiringKeys.storeBuilder(DEDUPE_STORE), NORMALIZE, RE_KEYED);
    }
}
