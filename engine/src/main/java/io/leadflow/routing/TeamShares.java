package io.leadflow.routing;

import io.leadflow.avro.TeamKey;
import io.leadflow.avro.TeamLoad;
import io.leadflow.avro.TeamShareKey;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A team's routing state when its leads live on many partitions. Each lead task owns a <em>share</em>: the open leads
 * it placed (it also releases them: a lead never leaves its contact's partition), its last rotation pick and its
 * weighted-rotation credits, kept exactly in its own store and published to {@code leadflow.team-ledger} with every
 * change, in the same transaction as the decision. Every instance reads the ledger whole (a global store). A decision
 * sees the team as the sum of the shares — its own as it is, the others' as last published — so no team funnels its
 * leads through one partition, at this price: a decision does not yet see what other partitions decided within the
 * last moments (their transaction, then the global thread's read: typically a commit interval, 100 ms). What holds:
 * <ul>
 *   <li>exactly, per partition: rotation order, weights, capacity and least-loaded counts;</li>
 *   <li>across partitions, for decisions further apart than that lag: the same as one router would decide (round-robin
 *   continues after the team's latest pick by event time; capacity and least-loaded use every partition's count);</li>
 *   <li>across partitions within the lag: a manager may be picked twice in a row or exceed capacity by the decisions
 *   made meanwhile on other partitions; weighted rotation is exact per partition and so approximately weighted overall.</li>
 * </ul>
 */
public final class TeamShares {
    public static final String LEDGER_STORE = "routing-team-ledger-store";
    private static final char SEPARATOR = '\0';

    private final KeyValueStore<String, TeamLoad> own;
    private final ReadOnlyKeyValueStore<String, TeamLoad> ledger;
    private final String share;

    /**
     * @param own    this task's shares, by {@code tenant NUL team}
     * @param ledger every task's published shares ({@link #LEDGER_STORE})
     * @param share  this task's name in the ledger: its partition
     */
    public TeamShares(KeyValueStore<String, TeamLoad> own, ReadOnlyKeyValueStore<String, TeamLoad> ledger, String share) {
        this.own = own;
        this.ledger = ledger;
        this.share = share;
    }

    /** The team as a router sees it: this share exactly, the other shares as last published. */
    public TeamLoad team(TeamKey team) {
        TeamLoad mine = own.get(ownKey(team));
        Map<String, Integer> open = new HashMap<>(mine == null ? Map.of() : mine.getOpenLeads());
        String lastTurn = mine == null ? null : mine.getLastTurn();
        long lastTurnAt = mine == null || lastTurn == null ? Long.MIN_VALUE : mine.getLastTurnAt();
        try (KeyValueIterator<String, TeamLoad> shares = ledger.prefixScan(prefix(team.getTenant(), team.getTeam()), new StringSerializer())) {
            while (shares.hasNext()) {
                KeyValue<String, TeamLoad> other = shares.next();
                if (other.key.endsWith(SEPARATOR + share)) {
                    continue; // our own, as published: the store has it as it is now
                }
                other.value.getOpenLeads().forEach((manager, n) -> open.merge(manager, n, Integer::sum));
                if (other.value.getLastTurn() != null && other.value.getLastTurnAt() > lastTurnAt) {
                    lastTurn = other.value.getLastTurn();
                    lastTurnAt = other.value.getLastTurnAt();
                }
            }
        }
        return TeamLoad.newBuilder().setOpenLeads(open).setLastTurn(lastTurn).setLastTurnAt(Math.max(lastTurnAt, 0))
                .setCredits(mine == null ? new HashMap<>() : mine.getCredits()).build();
    }

    /**
     * Takes what a decision changed in the team — {@code before} as {@link #team} gave it, {@code after} as the router
     * left it — into this share.
     *
     * @return the share to publish, or null when the decision changed nothing
     */
    public KeyValue<TeamShareKey, TeamLoad> apply(TeamKey team, TeamLoad before, TeamLoad after) {
        TeamLoad mine = own.get(ownKey(team));
        Map<String, Integer> open = new HashMap<>(mine == null ? Map.of() : mine.getOpenLeads());
        java.util.Set<String> managers = new java.util.HashSet<>(before.getOpenLeads().keySet());
        managers.addAll(after.getOpenLeads().keySet());
        for (String manager : managers) {
            int change = after.getOpenLeads().getOrDefault(manager, 0) - before.getOpenLeads().getOrDefault(manager, 0);
            if (change != 0) {
                int n = open.getOrDefault(manager, 0) + change;
                if (n > 0) {
                    open.put(manager, n);
                } else {
                    open.remove(manager);
                }
            }
        }
        boolean picked = after.getLastTurnAt() != before.getLastTurnAt() || !Objects.equals(after.getLastTurn(), before.getLastTurn());
        TeamLoad updated = TeamLoad.newBuilder()
                .setOpenLeads(open)
                .setLastTurn(picked ? after.getLastTurn() : mine == null ? null : mine.getLastTurn())
                .setLastTurnAt(picked ? after.getLastTurnAt() : mine == null ? 0 : mine.getLastTurnAt())
                .setCredits(after.getCredits())
                .build();
        if (updated.equals(mine)) {
            return null;
        }
        own.put(ownKey(team), updated);
        return KeyValue.pair(new TeamShareKey(team.getTenant(), team.getTeam(), share), updated);
    }

    private static String ownKey(TeamKey team) {
        return team.getTenant() + SEPARATOR + team.getTeam();
    }

    private static String prefix(String tenant, String team) {
        return tenant + SEPARATOR + team + SEPARATOR;
    }

    /** Keeps the ledger's global store in step with {@code leadflow.team-ledger} (also on restore, which replays through it). */
    public static final class Loader implements Processor<TeamShareKey, TeamLoad, Void, Void> {
        private KeyValueStore<String, TeamLoad> store;

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            store = context.getStateStore(LEDGER_STORE);
        }

        @Override
        public void process(Record<TeamShareKey, TeamLoad> record) {
            if (record.key() == null) {
                return;
            }
            String key = prefix(record.key().getTenant(), record.key().getTeam()) + record.key().getShare();
            if (record.value() == null) {
                store.delete(key);
            } else {
                store.put(key, record.value());
            }
        }
    }
}
