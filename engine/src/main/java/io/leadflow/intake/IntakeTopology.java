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

/** The intake sub-topology: raw vendor topics → {@link Normalizer} → canonical calls, touches and CRM stage changes, or the dead-letter topic. */
public final class IntakeTopology {
    public static final String DEDUPE_STORE = "intake-dedupe-store";
    public static final String NORMALIZE = "intake-normalize";
    public static final String CALLS_SINK = "intake-calls-sink";
    public static final String TOUCHES_SINK = "intake-touches-sink";
    public static final String STAGE_CHANGES_SINK = "intake-crm-stage-changes-sink";
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
     */
    public static void addTo(Topology topology, Topics topics, LeadflowConfig config, Duration dedupeWindow) {
        Map<Vendor, RawEventParser> parsers = parsers();
        String[] sources = parsers.keySet().stream().map(vendor -> {
            var raw = topics.raw(vendor);
            String name = "intake-source-" + vendor.name().toLowerCase(java.util.Locale.ROOT);
            topology.addSource(name, raw.keySerde().deserializer(), raw.valueSerde().deserializer(), raw.name());
            return name;
        }).toArray(String[]::new);

        topology.addProcessor(NORMALIZE,
                () -> new Normalizer(config, parsers, DEDUPE_STORE, dedupeWindow,
                        new Normalizer.Children(CALLS_SINK, TOUCHES_SINK, STAGE_CHANGES_SINK, DEAD_LETTER_SINK)),
                sources);
        topology.addStateStore(ExpiringKeys.storeBuilder(DEDUPE_STORE), NORMALIZE);
        topology.addSink(CALLS_SINK, topics.calls().name(),
                topics.calls().keySerde().serializer(), topics.calls().valueSerde().serializer(), NORMALIZE);
        topology.addSink(TOUCHES_SINK, topics.touches().name(),
                topics.touches().keySerde().serializer(), topics.touches().valueSerde().serializer(), NORMALIZE);
        topology.addSink(STAGE_CHANGES_SINK, topics.crmStageChanges().name(),
                topics.crmStageChanges().keySerde().serializer(), topics.crmStageChanges().valueSerde().serializer(), NORMALIZE);
        topology.addSink(DEAD_LETTER_SINK, topics.deadLetter().name(),
                topics.deadLetter().keySerde().serializer(), topics.deadLetter().valueSerde().serializer(), NORMALIZE);
    }
}
