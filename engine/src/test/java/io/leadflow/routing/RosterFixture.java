package io.leadflow.routing;

import io.leadflow.avro.RosterEntry;
import io.leadflow.avro.RoutingStrategy;
import io.leadflow.config.RosterConfig.ManagerSpec;
import io.leadflow.config.RosterConfig.TeamSpec;
import io.leadflow.config.ShiftSpec;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Rosters for routing tests, built the way the configuration file and the API build them. */
final class RosterFixture {
    static final ZoneId MOSCOW = ZoneId.of("Europe/Moscow");
    /** Monday 2026-11-23 10:30 in Moscow: office hours. */
    static final Instant MONDAY_MORNING = Instant.parse("2026-11-23T07:30:00Z");
    /** Saturday 2026-11-28 10:30 in Moscow. */
    static final Instant SATURDAY = Instant.parse("2026-11-28T07:30:00Z");
    static final ShiftSpec WEEKDAYS = new ShiftSpec(null, Map.of("MON-FRI", List.of("09:00-18:00")), null);

    private final List<RosterEntry> entries = new ArrayList<>();

    RosterFixture team(String id, RoutingStrategy strategy, boolean fallback) {
        return team(id, strategy, fallback, null);
    }

    /** @param lead the team lead (accountable for its SLAs) */
    RosterFixture team(String id, RoutingStrategy strategy, boolean fallback, String lead) {
        entries.add(RosterEntries.team("t", id, new TeamSpec(null, strategy, fallback, null, lead), RosterEntries.FROM_CONFIG,
                Instant.EPOCH));
        return this;
    }

    RosterFixture line(String number, String team) {
        entries.add(RosterEntries.line("t", number, team, RosterEntries.FROM_CONFIG, Instant.EPOCH));
        return this;
    }

    RosterFixture manager(String id, String team, String extension, int capacity, int weight, boolean available, ShiftSpec shifts) {
        entries.add(RosterEntries.manager("t", id, new ManagerSpec(id, team, List.of(extension), Map.of(), capacity, weight, available, shifts),
                RosterEntries.FROM_CONFIG, Instant.EPOCH));
        return this;
    }

    RosterFixture manager(String id, String team, String extension) {
        return manager(id, team, extension, 0, 1, true, null);
    }

    Roster build() {
        return new Roster(entries, MOSCOW);
    }
}
