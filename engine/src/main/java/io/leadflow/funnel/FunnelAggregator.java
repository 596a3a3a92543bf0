package io.leadflow.funnel;

import io.leadflow.avro.FunnelFigures;
import io.leadflow.avro.FunnelKey;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Instant;

/** Adds up the funnel deltas of every lead into each slice's figures (one task owns a slice) and emits them. */
public final class FunnelAggregator implements Processor<FunnelKey, FunnelFigures, FunnelKey, FunnelFigures> {
    private final String storeName;
    private ProcessorContext<FunnelKey, FunnelFigures> context;
    private KeyValueStore<FunnelKey, FunnelFigures> figures;

    public FunnelAggregator(String storeName) {
        this.storeName = storeName;
    }

    @Override
    public void init(ProcessorContext<FunnelKey, FunnelFigures> context) {
        this.context = context;
        this.figures = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<FunnelKey, FunnelFigures> record) {
        if (record.key() == null || record.value() == null) {
            return;
        }
        FunnelFigures updated = FunnelShares.plus(figures.get(record.key()), record.value(), 1, record.value().getEventId(),
                Instant.ofEpochMilli(record.timestamp()));
        figures.put(record.key(), updated);
        context.forward(new Record<>(record.key(), updated, record.timestamp()));
    }
}
