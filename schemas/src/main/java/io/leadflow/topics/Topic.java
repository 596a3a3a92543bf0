package io.leadflow.topics;

import org.apache.kafka.common.serialization.Serde;

/**
 * A topic with its serdes and how it is kept. {@code compacted} topics hold current state per key;
 * the others are logs kept for {@code retentionMs} (-1: forever, for logs that are replayed).
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde, boolean compacted, long retentionMs) {
}
