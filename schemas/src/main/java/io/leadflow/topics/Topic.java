package io.leadflow.topics;

import org.apache.kafka.common.serialization.Serde;

/**
 * A topic with its serdes and how it is kept. {@code compacted} topics hold current state per key;
 * the others are logs kept for {@code retentionMs} (-1: forever, for logs that are replayed).
 * A topic {@code purgedOnceConsumed} is a re-keyed copy the engine reads itself: kept forever by the broker and
 * deleted by the engine up to what it has committed, as Kafka Streams does with its own repartition topics. Time
 * retention would be wrong there, because records carry event time: a replayed or long-delayed record would be
 * deleted before it was read.
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde, boolean compacted, long retentionMs,
                          boolean purgedOnceConsumed) {
}
