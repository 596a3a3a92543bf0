package io.leadflow.funnel;

import io.leadflow.avro.FunnelFigures;
import io.leadflow.avro.FunnelKey;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.Punctuator;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.ArrayList;
import java.util.List;

/**
 * Adds up a task's funnel deltas per slice and sends each slice's sum once per flush (the punctuation, every commit
 * interval). The slices every lead shares ({@code all}, {@code new}, the day) change with nearly every lead event;
 * sending their sum instead of each change spares the repartition topic, the aggregate, its changelog and
 * leadflow.funnel-performance one record per event each. The sums wait in a logged store, so what a crash or a
 * rebalance interrupts is sent by whichever task restores it, in the same transactions as the events that made it.
 */
final class FunnelDeltaBuffer implements Punctuator {
    private final ProcessorContext<FunnelKey, FunnelFigures> context;
    private final KeyValueStore<FunnelKey, FunnelFigures> pending;

    FunnelDeltaBuffer(ProcessorContext<FunnelKey, FunnelFigures> context, KeyValueStore<FunnelKey, FunnelFigures> pending) {
        this.context = context;
        this.pending = pending;
    }

    void add(FunnelKey slice, FunnelFigures delta) {
        FunnelFigures had = pending.get(slice);
        pending.put(slice, had == null ? delta : FunnelShares.sum(had, delta));
    }

    /** Sends every slice's sum that is not zero (a lead that left a slice and came back changed nothing) and clears it. */
    @Override
    public void punctuate(long now) {
        List<KeyValue<FunnelKey, FunnelFigures>> sums = new ArrayList<>();
        try (KeyValueIterator<FunnelKey, FunnelFigures> all = pending.all()) {
            all.forEachRemaining(sums::add);
        }
        for (KeyValue<FunnelKey, FunnelFigures> sum : sums) {
            pending.delete(sum.key);
            if (!FunnelShares.isZero(sum.value)) {
                context.forward(new Record<>(sum.key, sum.value, sum.value.getUpdatedAt().toEpochMilli()));
            }
        }
    }
}
