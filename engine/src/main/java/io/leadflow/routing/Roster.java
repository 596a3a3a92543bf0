package io.leadflow.routing;

import io.leadflow.avro.Manager;
import io.leadflow.avro.RosterEntry;
import io.leadflow.avro.Team;
import io.leadflow.config.ShiftSpec;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** One tenant's roster as routing reads it: teams, lines → team, managers (in id order, the rotation order). */
public final class Roster {
    private final Map<String, Team> teams = new TreeMap<>();
    private final Map<String, String> lineTeams = new TreeMap<>();
    private final Map<String, Manager> managers = new TreeMap<>();
    private final ZoneId zone;

    public Roster(Collection<RosterEntry> entries, ZoneId zone) {
        this.zone = zone;
        for (RosterEntry entry : entries) {
            switch (entry.getKind()) {
                case TEAM -> teams.put(entry.getId(), entry.getTeam());
                case LINE -> lineTeams.put(entry.getId(), entry.getLine().getTeam());
                case MANAGER -> managers.put(entry.getId(), entry.getManager());
                default -> { } // a kind this version does not know: ignore rather than fail routing
            }
        }
    }

    /** Empty for null: a lead the routers have not placed yet has no team. */
    public Optional<Team> team(String id) {
        return Optional.ofNullable(id == null ? null : teams.get(id));
    }

    public Optional<String> teamOfLine(String line) {
        return line == null ? Optional.empty() : Optional.ofNullable(lineTeams.get(line)).filter(teams::containsKey);
    }

    public Optional<String> fallbackTeam() {
        return teams.entrySet().stream().filter(t -> t.getValue().getFallback()).map(Map.Entry::getKey).findFirst();
    }

    public Optional<Manager> manager(String id) {
        return Optional.ofNullable(id == null ? null : managers.get(id));
    }

    /** The manager who has this PBX extension. */
    public Optional<String> managerWithExtension(String extension) {
        return extension == null ? Optional.empty() : managers.entrySet().stream()
                .filter(m -> m.getValue().getExtensions().contains(extension)).map(Map.Entry::getKey).findFirst();
    }

    /** The team's managers in rotation order (by id). */
    public List<String> managersOf(String team) {
        return managers.entrySet().stream().filter(m -> m.getValue().getTeam().equals(team)).map(Map.Entry::getKey).toList();
    }

    /** On shift at {@code at} (event time): no shifts means always. */
    public boolean onShift(String managerId, Instant at) {
        Manager manager = managers.get(managerId);
        if (manager == null) {
            return false;
        }
        var shifts = manager.getShifts();
        return shifts == null || new ShiftSpec(shifts.getTimeZone(), shifts.getWeekly(), shifts.getExceptions()).covers(at, zone);
    }
}
