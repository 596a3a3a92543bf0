package io.leadflow.engine.state;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.ArrayList;
import java.util.List;

import static io.leadflow.engine.state.TimeIndexKeys.isTimeEntry;
import static io.leadflow.engine.state.TimeIndexKeys.timeOf;
import static io.leadflow.engine.state.TimeIndexKeys.timePrefix;

/**
 * Reads a store's time entries ({@link TimeIndexKeys}) in time order from a scan point that only moves forward. What a
 * scan reads is deleted soon after (a fired timer, an expired key), and RocksDB keeps the deletions until it compacts
 * them: a scan from the beginning would step over all of them every time, and grow slower with every entry ever
 * deleted. Writing an entry before the scan point moves it back. It lives in memory and starts at zero after a
 * restart or a restore (the first scan steps over the deletions once).
 */
public final class TimeOrderedScan {
    /** Every entry before this has been read: scans start here. */
    private long from;

    /** An entry at {@code time} was written: the next scan reaches it. */
    public void written(long time) {
        from = Math.min(from, time);
    }

    /** Whether a scan up to {@code upTo} could find anything (false: it was scanned already, and nothing came since). */
    public boolean mayFind(long upTo) {
        return upTo >= from;
    }

    /** The time entries of {@code store} up to {@code upTo} inclusive, oldest first, at most {@code limit}. */
    public List<Bytes> upTo(KeyValueStore<Bytes, byte[]> store, long upTo, int limit) {
        List<Bytes> found = new ArrayList<>();
        long lastSeen = from;
        // 't' ++ (upTo + 1) sorts after every entry at upTo and before the later ones
        try (KeyValueIterator<Bytes, byte[]> entries = store.range(timePrefix(from), timePrefix(upTo + 1))) {
            while (entries.hasNext() && found.size() < limit) {
                KeyValue<Bytes, byte[]> entry = entries.next();
                if (isTimeEntry(entry.key)) {
                    lastSeen = timeOf(entry.key);
                    found.add(entry.key);
                }
            }
        }
        // all up to upTo were read (or as many as the limit let through, up to lastSeen): the next scan starts there
        from = found.size() < limit ? upTo + 1 : lastSeen;
        return found;
    }
}
