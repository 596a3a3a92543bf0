package io.leadflow.routing;

import io.leadflow.avro.RosterEntry;
import io.leadflow.avro.RosterKey;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * The roster as a global store: every instance holds every tenant's roster (it is small), so routing reads it
 * locally whatever partition a lead is on. Keys are {@code tenant NUL kind NUL id}, so one tenant is one prefix scan.
 */
public final class RosterStore {
    public static final String NAME = "roster-store";
    private static final char SEPARATOR = '\0';

    private RosterStore() {
    }

    static String storeKey(RosterKey key) {
        return key.getTenant() + SEPARATOR + key.getKind() + SEPARATOR + key.getId();
    }

    /** The tenant's entries. */
    public static List<RosterEntry> entries(ReadOnlyKeyValueStore<String, RosterEntry> store, String tenant) {
        List<RosterEntry> entries = new ArrayList<>();
        try (KeyValueIterator<String, RosterEntry> it = store.prefixScan(tenant + SEPARATOR, new StringSerializer())) {
            it.forEachRemaining(kv -> entries.add(kv.value));
        }
        return entries;
    }

    public static Roster roster(ReadOnlyKeyValueStore<String, RosterEntry> store, String tenant, ZoneId zone) {
        return new Roster(entries(store, tenant), zone);
    }

    /**
     * Counts the roster's changes, so that a lead task can keep each tenant's roster decoded (shifts parsed, teams
     * indexed) and decode it again only when it changed.
     */
    public static final class Changes {
        private final java.util.concurrent.atomic.AtomicLong count = new java.util.concurrent.atomic.AtomicLong();

        public long count() {
            return count.get();
        }

        void changed() {
            count.incrementAndGet();
        }
    }

    /** Each tenant's roster, decoded once and again after every change to the global store. */
    public static final class Decoded {
        private final ReadOnlyKeyValueStore<String, RosterEntry> store;
        private final Changes changes;
        private final java.util.Map<String, Roster> rosters = new java.util.HashMap<>();
        private long seen = -1;

        public Decoded(ReadOnlyKeyValueStore<String, RosterEntry> store, Changes changes) {
            this.store = store;
            this.changes = changes;
        }

        public Roster of(String tenant, ZoneId zone) {
            long now = changes.count();
            if (now != seen) {
                rosters.clear();
                seen = now;
            }
            return rosters.computeIfAbsent(tenant, t -> roster(store, t, zone));
        }
    }

    /** Keeps the global store in step with the roster topic (also on restore, which replays through it). */
    public static final class Loader implements Processor<RosterKey, RosterEntry, Void, Void> {
        private final Changes changes;
        private KeyValueStore<String, RosterEntry> store;

        public Loader(Changes changes) {
            this.changes = changes;
        }

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            store = context.getStateStore(NAME);
        }

        @Override
        public void process(Record<RosterKey, RosterEntry> record) {
            if (record.key() == null) {
                return;
            }
            if (record.value() == null) {
                store.delete(storeKey(record.key()));
            } else {
                store.put(storeKey(record.key()), record.value());
            }
            changes.changed();
        }
    }
}
