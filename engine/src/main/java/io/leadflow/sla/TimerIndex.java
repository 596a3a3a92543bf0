package io.leadflow.sla;

import io.leadflow.engine.state.TimeIndexKeys;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static io.leadflow.engine.state.TimeIndexKeys.idEntry;
import static io.leadflow.engine.state.TimeIndexKeys.idOf;
import static io.leadflow.engine.state.TimeIndexKeys.isTimeEntry;
import static io.leadflow.engine.state.TimeIndexKeys.time;
import static io.leadflow.engine.state.TimeIndexKeys.timeEntry;
import static io.leadflow.engine.state.TimeIndexKeys.timeOf;
import static io.leadflow.engine.state.TimeIndexKeys.timePrefix;

/**
 * One timer per id (a lead's next SLA step), in one RocksDB store holding two kinds of entries
 * ({@link TimeIndexKeys}): {@code 't' ++ 8-byte big-endian due time ++ id} in time order, and
 * {@code 'k' ++ id → due time} as the reverse index that finds a timer to cancel or move. Finding what is due is a range scan from the last scan point to now:
 * its cost grows with the timers due, not with the timers held. The scan point only moves forward (scheduling a
 * timer below it moves it back), so the deletions a scan passes over — timers that fired, moved or were cancelled —
 * are passed over once, not at every scan, until RocksDB compacts them away. It lives in memory and starts at zero
 * after a restart or a restore.
 */
public final class TimerIndex {
    private final KeyValueStore<Bytes, byte[]> store;
    /** Every timer due before this has fired: scans start here, and nothing before it can be due. */
    private long scanFrom;

    public TimerIndex(KeyValueStore<Bytes, byte[]> store) {
        this.store = store;
        this.scanFrom = 0;
    }

    public static StoreBuilder<KeyValueStore<Bytes, byte[]>> storeBuilder(String name) {
        return TimeIndexKeys.storeBuilder(name);
    }

    /** Sets (or moves, or with an empty time cancels) the timer of {@code id}. */
    public void schedule(String id, Optional<Long> at) {
        Bytes index = idEntry(id);
        byte[] previous = store.get(index);
        if (previous != null) {
            long was = time(previous);
            if (at.isPresent() && at.get() == was) {
                return;
            }
            store.delete(timeEntry(was, id));
        }
        if (at.isEmpty()) {
            if (previous != null) {
                store.delete(index);
            }
            return;
        }
        long due = at.get();
        store.put(timeEntry(due, id), new byte[0]);
        store.put(index, time(due));
        scanFrom = Math.min(scanFrom, due);
    }

    /** Whether a scan up to {@code upTo} could find anything (false: it was scanned already, and nothing came since). */
    public boolean mayHaveDue(long upTo) {
        return upTo >= scanFrom;
    }

    /**
     * The ids whose timers are due by {@code upTo}, oldest first, at most {@code limit}. Their timers stay until
     * {@link #schedule} moves or cancels them: the caller fires each and schedules its next step.
     */
    public List<String> due(long upTo, int limit) {
        List<String> due = new ArrayList<>();
        long lastSeen = scanFrom;
        // 't' ++ (upTo + 1) sorts after every entry due at upTo and before those due later
        try (KeyValueIterator<Bytes, byte[]> entries = store.range(timePrefix(scanFrom), timePrefix(upTo + 1))) {
            while (entries.hasNext() && due.size() < limit) {
                KeyValue<Bytes, byte[]> entry = entries.next();
                if (isTimeEntry(entry.key)) {
                    lastSeen = timeOf(entry.key);
                    due.add(idOf(entry.key));
                }
            }
        }
        // all due by upTo were read (or as many as the limit let through, up to lastSeen): the next scan starts there
        scanFrom = due.size() < limit ? upTo + 1 : lastSeen;
        return due;
    }
}
