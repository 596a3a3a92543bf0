package io.leadflow.sla;

import io.leadflow.engine.state.TimeIndexKeys;
import io.leadflow.engine.state.TimeOrderedScan;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

import java.util.List;
import java.util.Optional;

import static io.leadflow.engine.state.TimeIndexKeys.idEntry;
import static io.leadflow.engine.state.TimeIndexKeys.time;
import static io.leadflow.engine.state.TimeIndexKeys.timeEntry;

/**
 * One timer per id (a lead's next SLA step), in one RocksDB store holding two kinds of entries
 * ({@link TimeIndexKeys}): {@code 't' ++ 8-byte big-endian due time ++ id} in time order, and
 * {@code 'k' ++ id → due time} as the reverse index that finds a timer to cancel or move. Finding what is due is a
 * {@link TimeOrderedScan} from the last scan point to now: its cost grows with the timers due, not with the timers
 * held or the timers that fired before.
 */
public final class TimerIndex {
    private final KeyValueStore<Bytes, byte[]> store;
    private final TimeOrderedScan scan = new TimeOrderedScan();

    public TimerIndex(KeyValueStore<Bytes, byte[]> store) {
        this.store = store;
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
        scan.written(due);
    }

    /** Whether a scan up to {@code upTo} could find anything (false: it was scanned already, and nothing came since). */
    public boolean mayHaveDue(long upTo) {
        return scan.mayFind(upTo);
    }

    /**
     * The ids whose timers are due by {@code upTo}, oldest first, at most {@code limit}. Their timers stay until
     * {@link #schedule} moves or cancels them: the caller fires each and schedules its next step.
     */
    public List<String> due(long upTo, int limit) {
        return scan.upTo(store, upTo, limit).stream().map(TimeIndexKeys::idOf).toList();
    }
}
