package io.leadflow.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.leadflow.avro.RoutingStrategy;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Who takes a tenant's leads: teams, the lines (PBX numbers, CallTouch substitution numbers) that lead to a
 * team, and managers with their extensions, shifts and capacity. The configuration file seeds it; the HTTP
 * API changes it afterwards (the same shapes, as JSON).
 *
 * @param lines number (any spelling) → team id
 */
public record RosterConfig(Map<String, TeamSpec> teams, Map<String, String> lines, Map<String, ManagerSpec> managers) {
    public RosterConfig {
        teams = teams == null ? Map.of() : new TreeMap<>(teams);
        lines = lines == null ? Map.of() : new TreeMap<>(lines);
        managers = managers == null ? Map.of() : new TreeMap<>(managers);
        for (Map.Entry<String, String> line : lines.entrySet()) {
            requireTeam(teams, line.getValue(), "roster.lines." + line.getKey());
        }
        for (Map.Entry<String, ManagerSpec> manager : managers.entrySet()) {
            requireTeam(teams, manager.getValue().team(), "roster.managers." + manager.getKey() + ".team");
        }
        for (Map.Entry<String, TeamSpec> team : teams.entrySet()) {
            if (team.getValue().lead() != null && !managers.containsKey(team.getValue().lead())) {
                throw new IllegalArgumentException("roster.teams." + team.getKey() + ".lead names manager '" + team.getValue().lead()
                        + "', which roster.managers does not have");
            }
        }
        if (teams.values().stream().filter(TeamSpec::fallback).count() > 1) {
            throw new IllegalArgumentException("roster: at most one team may be the fallback team");
        }
    }

    private static void requireTeam(Map<String, TeamSpec> teams, String team, String where) {
        if (!teams.containsKey(team)) {
            throw new IllegalArgumentException(where + " names team '" + team + "', which roster.teams does not have");
        }
    }

    /**
     * @param strategy how the team's managers take turns (default round-robin)
     * @param fallback leads no other rule places go to this team
     * @param queue    where the team's leads wait when no manager can take them (default {@code <team>-queue})
     * @param lead     the team lead's manager id: accountable for the team's response SLAs (hears of breaches)
     */
    public record TeamSpec(String name, RoutingStrategy strategy, @JsonProperty("fallback") boolean fallback, String queue,
                           String lead) {
        public TeamSpec {
            strategy = strategy == null ? RoutingStrategy.ROUND_ROBIN : strategy;
        }
    }

    /**
     * @param extensions PBX extensions the manager answers and dials from
     * @param crm        the manager's user id per CRM: {@code bitrix24}, {@code amocrm}
     * @param capacity   most open leads given to them by rotation at once (default no limit)
     * @param weight     share of the team's leads under weighted routing (default 1)
     * @param available  false while away: no leads even on shift (default true)
     * @param shifts     when they work; absent = always
     */
    public record ManagerSpec(String name, String team, List<String> extensions, Map<String, String> crm, Integer capacity,
                              Integer weight, Boolean available, ShiftSpec shifts) {
        public ManagerSpec {
            TenantConfig.required(team, "manager.team");
            extensions = extensions == null ? List.of() : List.copyOf(extensions);
            crm = crm == null ? Map.of() : Map.copyOf(crm);
            capacity = capacity == null ? 0 : capacity;
            weight = weight == null ? 1 : weight;
            available = available == null || available;
            if (capacity < 0 || weight < 1) {
                throw new IllegalArgumentException("manager: capacity must be ≥ 0 (0 = no limit) and weight ≥ 1");
            }
        }
    }
}
