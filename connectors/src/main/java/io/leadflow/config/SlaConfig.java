package io.leadflow.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * How fast a tenant's leads must be answered, and who hears when they are not.
 * <pre>
 *   sla:
 *     businessHours: {weekly: {MON-FRI: ["09:00-18:00"]}}      # the tenant's zone unless timeZone is given
 *     holidays: ["2027-01-01", "2027-01-07"]
 *     policies:
 *       default:     {target: PT24H}                              # first response within 24 hours, calendar time
 *       missed_call: {target: PT2H, clock: business, warnAt: [0.5, 0.8], accountable: olga, reassignAfter: PT1H}
 *     stages:
 *       "C1:PREPARATION": {target: PT72H, clock: business}       # at most 3 working days in this CRM stage
 *     callbacks: [PT15M, PT1H, next-morning]                    # call a missed caller back: due tasks for the owner
 * </pre>
 *
 * @param businessHours when the tenant works, for policies on the business clock (default Mon–Fri 09:00–18:00)
 * @param holidays      dates off work on the business clock ({@code businessHours.exceptions} may also give a date
 *                      other hours, e.g. a working Saturday)
 * @param policies      first-response policies per lead class ({@code missed_call}, {@code answered_call},
 *                      {@code form}, {@code returning}); {@code default} for the classes not listed
 * @param stages        the longest a lead may stay in a CRM stage, by the CRM's stage id
 * @param callbacks     when a missed caller must be called back, counted from the missed call: durations, or
 *                      {@code next-morning} (the start of the next working period); [] turns callbacks off
 */
public record SlaConfig(ShiftSpec businessHours, List<String> holidays, Map<String, Policy> policies, Map<String, Policy> stages,
                        List<String> callbacks) {
    public static final Set<String> LEAD_CLASSES = Set.of("default", "missed_call", "answered_call", "form", "returning");
    public static final String NEXT_MORNING = "next-morning";

    public SlaConfig {
        holidays = holidays == null ? List.of() : List.copyOf(holidays);
        Map<String, List<String>> exceptions = new TreeMap<>(businessHours == null ? Map.of() : businessHours.exceptions());
        holidays.forEach(day -> exceptions.putIfAbsent(day, List.of()));
        businessHours = businessHours == null || businessHours.weekly().isEmpty()
                ? new ShiftSpec(businessHours == null ? null : businessHours.timeZone(), Map.of("MON-FRI", List.of("09:00-18:00")), exceptions)
                : new ShiftSpec(businessHours.timeZone(), businessHours.weekly(), exceptions);
        policies = policies == null ? new TreeMap<>() : lowerCaseKeys(policies);
        policies.keySet().stream().filter(k -> !LEAD_CLASSES.contains(k)).findFirst().ifPresent(k -> {
            throw new IllegalArgumentException("sla.policies." + k + " is not one of " + new java.util.TreeSet<>(LEAD_CLASSES));
        });
        policies.putIfAbsent("default", Policy.DEFAULT);
        stages = stages == null ? Map.of() : new TreeMap<>(stages);
        callbacks = callbacks == null ? List.of("PT15M", "PT1H", NEXT_MORNING) : List.copyOf(callbacks);
        callbacks.stream().filter(c -> !NEXT_MORNING.equals(c)).forEach(c -> duration(c, "sla.callbacks"));
    }

    public static SlaConfig defaults() {
        return new SlaConfig(null, null, null, null, null);
    }

    /** The first-response policy of a lead class (its name as in {@code LeadClass}, any case). */
    public Policy policyFor(String leadClass) {
        return policies.getOrDefault(leadClass.toLowerCase(Locale.ROOT), policies.get("default"));
    }

    /**
     * One SLA: a target and who hears about it (RACI: R the lead's owner, A accountable, I informed).
     *
     * @param target        how long (first response, or time in a stage); default 24 hours
     * @param clock         {@code calendar} (default) or {@code business}: only the business hours count
     * @param warnAt        fractions of the target at which the owner is warned (default 0.5 and 0.8)
     * @param accountable   the manager told of a breach; default the lead's team lead ({@code roster.teams.*.lead})
     * @param informed      told of a breach and of how it ended (manager ids)
     * @param reassignAfter after a breach and this much more time on the same clock, the lead goes to another
     *                      manager of its team; absent: never
     */
    public record Policy(Duration target, Clock clock, List<Double> warnAt, String accountable, List<String> informed,
                         Duration reassignAfter) {
        static final Policy DEFAULT = new Policy(null, null, null, null, null, null);

        public Policy {
            target = target == null ? Duration.ofHours(24) : target;
            clock = clock == null ? Clock.CALENDAR : clock;
            warnAt = warnAt == null ? List.of(0.5, 0.8) : warnAt.stream().sorted().toList();
            informed = informed == null ? List.of() : List.copyOf(informed);
            if (target.isNegative() || target.isZero()) {
                throw new IllegalArgumentException("sla: a target must be positive, not " + target);
            }
            if (warnAt.stream().anyMatch(f -> f <= 0 || f >= 1)) {
                throw new IllegalArgumentException("sla: warnAt fractions must be between 0 and 1 (exclusive), not " + warnAt);
            }
            if (reassignAfter != null && reassignAfter.isNegative()) {
                throw new IllegalArgumentException("sla: reassignAfter must not be negative");
            }
        }
    }

    /** Which time counts toward a target. */
    public enum Clock {
        CALENDAR, BUSINESS;

        @com.fasterxml.jackson.annotation.JsonCreator
        public static Clock of(String value) {
            try {
                return valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("sla clock '" + value + "' is not 'calendar' or 'business'");
            }
        }
    }

    static Duration duration(String value, String where) {
        try {
            return Duration.parse(value);
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException(where + ": '" + value + "' is not a duration like PT15M or PT1H, nor " + NEXT_MORNING);
        }
    }

    private static <V> Map<String, V> lowerCaseKeys(Map<String, V> map) {
        Map<String, V> lower = new TreeMap<>();
        map.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
        return lower;
    }
}
