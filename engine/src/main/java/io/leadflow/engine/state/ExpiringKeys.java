package io.leadflow.engine.state;

import static io.leadflow.engine.state.TimeIndexKeys.idEntry;
import static io.leadflow.engine.state.TimeIndexKeys.idOf;
import static io.leadflow.engine.state.TimeIndexKeys.time;
import static io.leadflow.engine.state.TimeIndexKeys.timeEntry;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

import java.time.Duration;
import java.util.List;

/**
 * A set of keys remembered for a retention period, in one key-value store holding two kinds of entries
 * ({@link TimeIndexKeys}): {@code 'k' ++ key → timestamp} to answer "seen?", and {@code 't' ++ 8-byte big-endian
 * timestamp ++ key} as a time index, so expiry scans only the entries that expire, not every key held — nor, with a
 * {@link TimeOrderedScan}, the ones it expired before.
 * (A key-value store rather than a window store: under Kafka 4.3 a key-value store keeps its changelog
 * offsets in RocksDB and survives a clean restart without being rebuilt.)
 */
public final class ExpiringKeys {
    private static final byte[] PRESENT = new byte[0];

    private final KeyValueStore<Bytes, byte[]> store;
    private final Duration retention;
    private final TimeOrderedScan scan = new TimeOrderedScan();

    public ExpiringKeys(KeyValueStore<Bytes, byte[]> store, Duration retention) {
        this.store = store;
        this.retention = retention;
    }

    public static StoreBuilder<KeyValueStore<Bytes, byte[]>> storeBuilder(String name) {
        return TimeIndexKeys.storeBuilder(name);
    }

    public boolean contains(String key) {
        return store.get(idEntry(key)) != null;
    }

    /**
     * Remembers {@code key} as of {@code timestamp}; a key already held keeps its first timestamp.
     *
     * @return whether the key was new (one read of the store, and two writes when it was)
     */
    public boolean add(String key, long timestamp) {
        if (store.get(idEntry(key)) != null) {
            return false;
        }
        addNew(key, timestamp);
        return true;
    }

    /** Remembers a key the caller just found absent ({@link #contains}), without reading the store again. */
    public void addNew(String key, long timestamp) {
        store.put(idEntry(key), time(timestamp));
        store.put(timeEntry(timestamp, key), PRESENT);
        scan.written(timestamp);
    }

    /**
     * Forgets keys older than {@code now - retention}, oldest first, at most {@code limit} per call so
     * one punctuation never stalls the stream thread.
     *
     * @return how many keys were forgotten
     */
    public int expire(long now, int limit) {
        long cutoff = now - retention.toMillis();
        if (cutoff <= 0 || !scan.mayFind(cutoff - 1)) {
            return 0;
        }
        List<Bytes> expired = scan.upTo(store, cutoff - 1, limit);
        for (Bytes timeEntry : expired) {
            store.delete(timeEntry);
            store.delete(idEntry(idOf(timeEntry)));
        }
        return expired.size();
    }
}
