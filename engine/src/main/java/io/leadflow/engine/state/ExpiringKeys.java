package io.leadflow.engine.state;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A set of keys remembered for a retention period, in one key-value store holding two kinds of entries:
 * {@code 'k' ++ key → timestamp} to answer "seen?", and {@code 't' ++ 8-byte big-endian timestamp ++ key}
 * as a time index, so expiry scans only the entries that expire, not every key held.
 * (A key-value store rather than a window store: under Kafka 4.3 a key-value store keeps its changelog
 * offsets in RocksDB and survives a clean restart without being rebuilt.)
 */
public final class ExpiringKeys {
    private static final byte KEY = 'k';
    private static final byte TIME = 't';
    private static final byte[] PRESENT = new byte[0];

    private final KeyValueStore<Bytes, byte[]> store;
    private final Duration retention;

    public ExpiringKeys(KeyValueStore<Bytes, byte[]> store, Duration retention) {
        this.store = store;
        this.retention = retention;
    }

    public static StoreBuilder<KeyValueStore<Bytes, byte[]>> storeBuilder(String name) {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.Bytes(), Serdes.ByteArray());
    }

    public boolean contains(String key) {
        return store.get(keyEntry(key)) != null;
    }

    /** Remembers {@code key} as of {@code timestamp}; a key already held keeps its first timestamp. */
    public void add(String key, long timestamp) {
        Bytes entry = keyEntry(key);
        if (store.get(entry) == null) {
            store.put(entry, ByteBuffer.allocate(Long.BYTES).putLong(timestamp).array());
            store.put(timeEntry(timestamp, key), PRESENT);
        }
    }

    /**
     * Forgets keys older than {@code now - retention}, oldest first, at most {@code limit} per call so
     * one punctuation never stalls the stream thread.
     *
     * @return how many keys were forgotten
     */
    public int expire(long now, int limit) {
        long cutoff = now - retention.toMillis();
        if (cutoff <= 0) {
            return 0;
        }
        List<Bytes> expired = new ArrayList<>();
        // 't' ++ cutoff sorts after every entry with an older timestamp and before those at the cutoff
        try (KeyValueIterator<Bytes, byte[]> due = store.range(timePrefix(0), timePrefix(cutoff))) {
            while (due.hasNext() && expired.size() < limit) {
                KeyValue<Bytes, byte[]> entry = due.next();
                if (entry.key.get().length > 1 + Long.BYTES) {
                    expired.add(entry.key);
                }
            }
        }
        for (Bytes timeEntry : expired) {
            byte[] raw = timeEntry.get();
            store.delete(timeEntry);
            store.delete(keyEntry(new String(raw, 1 + Long.BYTES, raw.length - 1 - Long.BYTES, StandardCharsets.UTF_8)));
        }
        return expired.size();
    }

    private static Bytes keyEntry(String key) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(1 + k.length).put(KEY).put(k).array());
    }

    private static Bytes timeEntry(long timestamp, String key) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(1 + Long.BYTES + k.length).put(TIME).putLong(timestamp).put(k).array());
    }

    private static Bytes timePrefix(long timestamp) {
        return Bytes.wrap(ByteBuffer.allocate(1 + Long.BYTES).put(TIME).putLong(timestamp).array());
    }
}
