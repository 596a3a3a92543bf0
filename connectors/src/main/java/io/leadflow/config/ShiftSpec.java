package io.leadflow.config;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.time.format.TextStyle;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * When a manager works: intervals per weekday and per exceptional date, in a time zone.
 * <pre>
 *   weekly:     {MON-FRI: ["09:00-18:00"], SAT: ["10:00-14:00"]}   # an end before the start runs past midnight
 *   exceptions: {"2026-12-31": [], "2027-01-09": ["10:00-16:00"]}  # [] = off that day
 * </pre>
 * Day ranges ({@code MON-FRI}) are expanded on load, so the stored form names single days only.
 *
 * @param timeZone null: the tenant's
 */
public record ShiftSpec(String timeZone, Map<String, List<String>> weekly, Map<String, List<String>> exceptions) {
    public ShiftSpec {
        if (timeZone != null) {
            ZoneId.of(timeZone);
        }
        weekly = expandDays(weekly == null ? Map.of() : weekly);
        exceptions = exceptions == null ? Map.of() : new TreeMap<>(exceptions);
        exceptions.forEach((date, intervals) -> {
            try {
                LocalDate.parse(date);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("shift exception '" + date + "' is not a date like 2026-12-31");
            }
            intervals.forEach(ShiftSpec::parse);
        });
    }

    /** Whether {@code at} falls in a shift: today's intervals, or last night's running past midnight. */
    public boolean covers(Instant at, ZoneId tenantZone) {
        ZonedDateTime local = at.atZone(timeZone == null ? tenantZone : ZoneId.of(timeZone));
        LocalDate today = local.toLocalDate();
        LocalTime time = local.toLocalTime();
        for (String interval : intervals(today)) {
            LocalTime[] t = parse(interval);
            boolean overnight = !t[1].isAfter(t[0]);
            if (overnight ? !time.isBefore(t[0]) : !time.isBefore(t[0]) && time.isBefore(t[1])) {
                return true;
            }
        }
        for (String interval : intervals(today.minusDays(1))) {
            LocalTime[] t = parse(interval);
            if (!t[1].isAfter(t[0]) && time.isBefore(t[1])) {
                return true;
            }
        }
        return false;
    }

    /** A working period: from {@code start} (inclusive) to {@code end} (exclusive). */
    public record Period(Instant start, Instant end) {
    }

    /** The periods that start on {@code date}, in time order; one running past midnight ends the next day. */
    public List<Period> periodsStarting(LocalDate date, ZoneId tenantZone) {
        ZoneId zone = timeZone == null ? tenantZone : ZoneId.of(timeZone);
        List<Period> periods = new java.util.ArrayList<>();
        for (String interval : intervals(date)) {
            LocalTime[] t = parse(interval);
            LocalDate endDate = t[1].isAfter(t[0]) ? date : date.plusDays(1);
            periods.add(new Period(date.atTime(t[0]).atZone(zone).toInstant(), endDate.atTime(t[1]).atZone(zone).toInstant()));
        }
        periods.sort(java.util.Comparator.comparing(Period::start));
        return periods;
    }

    private List<String> intervals(LocalDate date) {
        List<String> exception = exceptions.get(date.toString());
        return exception != null ? exception : weekly.getOrDefault(code(date.getDayOfWeek()), List.of());
    }

    private static LocalTime[] parse(String interval) {
        String[] parts = interval.split("-");
        try {
            if (parts.length == 2) {
                return new LocalTime[]{LocalTime.parse(parts[0].trim()), LocalTime.parse(parts[1].trim())};
            }
        } catch (DateTimeParseException e) {
            // reported below, in the configuration's terms
        }
        throw new IllegalArgumentException("shift interval '" + interval + "' is not HH:mm-HH:mm, e.g. 09:00-18:00");
    }

    private static Map<String, List<String>> expandDays(Map<String, List<String>> weekly) {
        Map<String, List<String>> days = new TreeMap<>();
        weekly.forEach((key, intervals) -> {
            intervals.forEach(ShiftSpec::parse);
            String[] range = key.split("-");
            DayOfWeek from = day(range[0]);
            DayOfWeek to = range.length > 1 ? day(range[1]) : from;
            for (DayOfWeek d = from; ; d = d.plus(1)) {
                days.put(code(d), List.copyOf(intervals));
                if (d == to) {
                    break;
                }
            }
        });
        return days;
    }

    private static DayOfWeek day(String code) {
        for (DayOfWeek d : DayOfWeek.values()) {
            if (code(d).equalsIgnoreCase(code.trim())) {
                return d;
            }
        }
        throw new IllegalArgumentException("'" + code + "' is not a weekday (MON, TUE, WED, THU, FRI, SAT, SUN)");
    }

    private static String code(DayOfWeek day) {
        return day.getDisplayName(TextStyle.SHORT, Locale.ENGLISH).toUpperCase(Locale.ROOT);
    }
}
