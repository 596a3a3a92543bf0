package io.leadflow.engine.state;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.Punctuator;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BinaryOperator;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * Adds up a task's changes per slice and sends each slice's sum once per flush (the punctuation, every commit interval).
 * The slices every lead shares (a day, a source, a model) change with nearly every lead event; sending their sum instead
 * of each change spares the repartition topic, the aggregate, its changelog and the figures' topic one record per event
 * each. The sums wait in a logged store, so what a crash or a rebalance interrupts is sent by whichever task restores
 * it, in the same transactions as the events that made it. Used by the funnel and the channel figures.
 */
public final class DeltaBuffer<K, V> implements Punctuator {
    private final ProcessorContext<? super K, ? super V> context;
    private final KeyValueStore<K, V> pending;
    private final BinaryOperator<V> sum;
    private final Predicate<V> isZero;
    private final ToLongFunction<V> time;
    private final String child;

    /**
     * @param pending a logged store for the sums (in memory and cached: a few hundred keys, cleared every flush)
     * @param isZero  a sum that changes nothing (a lead that left a slice and came back) is not sent
     * @param time    the timestamp of a sum's record
     * @param child   where the sums go, or null for every child
     */
    public DeltaBuffer(ProcessorContext<? super K, ? super V> context, KeyValueStore<K, V> pending, BinaryOperator<V> sum,
                       Predicate<V> isZero, ToLongFunction<V> time, String child) {
        this.context = context;
        this.pending = pending;
        this.sum = sum;
        this.isZero = isZero;
        this.time = time;
        this.child = child;
    }

    /** Flushed as often as the engine commits: each transaction carries one sum per slice it changed. */
    public DeltaBuffer<K, V> scheduled() {
        Object interval = context.appConfigs().get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG);
        context.schedule(Duration.ofMillis(interval == null ? 100 : Long.parseLong(interval.toString())),
                org.apache.kafka.streams.processor.PunctuationType.WALL_CLOCK_TIME, this);
        return this;
    }

    public void add(K slice, V delta) {
        V had = pending.get(slice);
        pending.put(slice, had == null ? delta : sum.apply(had, delta));
    }

    /** Sends every slice's sum that is not zero and clears it. */
    @Override
    public void punctuate(long now) {
        List<KeyValue<K, V>> sums = new ArrayList<>();
        try (KeyValueIterator<K, V> all = pending.all()) {
            all.forEachRemaining(sums::add);
        }
        for (KeyValue<K, V> s : sums) {
            pending.delete(s.key);
            if (!isZero.test(s.value)) {
                Record<K, V> record = new Record<>(s.key, s.value, time.applyAsLong(s.value));
                if (child == null) {
                    context.forward(record);
                } else {
                    context.forward(record, child);
                }
            }
        }
    }
}
