package io.leadflow.routing;

import io.leadflow.avro.LineRoute;
import io.leadflow.avro.Manager;
import io.leadflow.avro.RosterEntry;
import io.leadflow.avro.RosterKey;
import io.leadflow.avro.RosterKind;
import io.leadflow.avro.Shifts;
import io.leadflow.avro.Team;
import io.leadflow.config.RosterConfig;
import io.leadflow.config.RosterConfig.ManagerSpec;
import io.leadflow.config.RosterConfig.TeamSpec;
import io.leadflow.config.ShiftSpec;
import io.leadflow.config.TenantConfig;
import io.leadflow.intake.PhoneNumbers;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Roster specs (configuration file, HTTP API bodies) as roster records, and back. */
public final class RosterEntries {
    public static final String FROM_CONFIG = "config";
    public static final String FROM_API = "api";

    private RosterEntries() {
    }

    /** Every entry of a tenant's configured roster. */
    public static List<RosterEntry> of(String tenant, TenantConfig config, Instant now) {
        RosterConfig roster = config.roster();
        List<RosterEntry> entries = new ArrayList<>();
        roster.teams().forEach((id, spec) -> entries.add(team(tenant, id, spec, FROM_CONFIG, now)));
        roster.lines().forEach((number, team) -> entries.add(line(tenant, config, number, team, FROM_CONFIG, now)));
        roster.managers().forEach((id, spec) -> entries.add(manager(tenant, id, spec, FROM_CONFIG, now)));
        return entries;
    }

    public static RosterKey key(RosterEntry entry) {
        return new RosterKey(entry.getTenant(), entry.getKind(), entry.getId());
    }

    public static RosterEntry team(String tenant, String id, TeamSpec spec, String source, Instant now) {
        return base(tenant, RosterKind.TEAM, id, source, now).setTeam(Team.newBuilder().setName(spec.name())
                .setStrategy(spec.strategy()).setFallback(spec.fallback()).setQueue(spec.queue()).setLead(spec.lead()).build()).build();
    }

    public static RosterEntry line(String tenant, TenantConfig config, String number, String team, String source, Instant now) {
        String e164 = PhoneNumbers.toE164(number, config.region())
                .orElseThrow(() -> new IllegalArgumentException("roster line '" + number + "' is not a phone number"));
        return line(tenant, e164, team, source, now);
    }

    /** @param e164 the line's number, already normalised */
    public static RosterEntry line(String tenant, String e164, String team, String source, Instant now) {
        return base(tenant, RosterKind.LINE, e164, source, now).setLine(new LineRoute(team)).build();
    }

    public static RosterEntry manager(String tenant, String id, ManagerSpec spec, String source, Instant now) {
        ShiftSpec shifts = spec.shifts();
        return base(tenant, RosterKind.MANAGER, id, source, now).setManager(Manager.newBuilder()
                .setName(spec.name()).setTeam(spec.team()).setExtensions(spec.extensions()).setCrmUsers(spec.crm())
                .setCapacity(spec.capacity()).setWeight(spec.weight()).setAvailable(spec.available())
                .setShifts(shifts == null ? null : new Shifts(shifts.timeZone(), shifts.weekly(), shifts.exceptions()))
                .build()).build();
    }

    /** What an entry says, without who changed it when: two entries saying the same need no write. */
    public static boolean sameContent(RosterEntry a, RosterEntry b) {
        return a != null && b != null && Objects.equals(a.getManager(), b.getManager())
                && Objects.equals(a.getTeam(), b.getTeam()) && Objects.equals(a.getLine(), b.getLine());
    }

    /** An entry in the shape the configuration file and the HTTP API use. */
    public static Map<String, Object> describe(RosterEntry entry) {
        Map<String, Object> out = new LinkedHashMap<>();
        switch (entry.getKind()) {
            case TEAM -> {
                Team t = entry.getTeam();
                out.put("name", t.getName());
                out.put("strategy", t.getStrategy().name());
                out.put("fallback", t.getFallback());
                out.put("queue", t.getQueue());
            }
            case LINE -> out.put("team", entry.getLine().getTeam());
            case MANAGER -> {
                Manager m = entry.getManager();
                out.put("name", m.getName());
                out.put("team", m.getTeam());
                out.put("extensions", m.getExtensions());
                out.put("crm", m.getCrmUsers());
                out.put("capacity", m.getCapacity());
                out.put("weight", m.getWeight());
                out.put("available", m.getAvailable());
                Shifts s = m.getShifts();
                if (s != null) {
                    Map<String, Object> shifts = new LinkedHashMap<>();
                    shifts.put("timeZone", s.getTimeZone());
                    shifts.put("weekly", s.getWeekly());
                    shifts.put("exceptions", s.getExceptions());
                    out.put("shifts", shifts);
                }
            }
            default -> { }
        }
        out.put("source", entry.getSource());
        out.put("changedAt", entry.getChangedAt().toString());
        return out;
    }

    private static RosterEntry.Builder base(String tenant, RosterKind kind, String id, String source, Instant now) {
        return RosterEntry.newBuilder().setTenant(tenant).setKind(kind).setId(id).setSource(source).setChangedAt(now);
    }
}
