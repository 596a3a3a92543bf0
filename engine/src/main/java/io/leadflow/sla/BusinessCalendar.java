package io.leadflow.sla;

import io.leadflow.config.ShiftSpec;
import io.leadflow.config.ShiftSpec.Period;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

/**
 * Working-time arithmetic over a tenant's business hours (weekly hours, holidays, the tenant's time zone): "two
 * working hours after Friday 18:55" is Monday 11:00 when the office opens at 09:00. Daylight-saving changes are
 * the zone's: a working day that loses an hour has one hour less to count.
 */
public final class BusinessCalendar {
    /** Business hours with no working time in two years are a configuration error, not a reason to loop forever. */
    private static final int MAX_DAYS = 2 * 366;

    private final ShiftSpec hours;
    private final ZoneId zone;

    public BusinessCalendar(ShiftSpec hours, ZoneId zone) {
        this.hours = hours;
        this.zone = zone;
        if (hours.weekly().values().stream().allMatch(java.util.List::isEmpty)) {
            throw new IllegalArgumentException("business hours have no working time in any weekday");
        }
    }

    /** The instant by which {@code workingTime} of business time has passed since {@code from}. */
    public Instant plus(Instant from, Duration workingTime) {
        long remaining = workingTime.toMillis();
        LocalDate day = from.atZone(zone).toLocalDate().minusDays(1); // yesterday's period may run past midnight
        for (int i = 0; i < MAX_DAYS; i++, day = day.plusDays(1)) {
            for (Period period : hours.periodsStarting(day, zone)) {
                Instant start = period.start().isAfter(from) ? period.start() : from;
                if (!start.isBefore(period.end())) {
                    continue;
                }
                long available = Duration.between(start, period.end()).toMillis();
                if (remaining <= available) {
                    return remaining == 0 ? start : start.plusMillis(remaining);
                }
                remaining -= available;
            }
        }
        throw new IllegalStateException("business hours leave no time within " + MAX_DAYS + " days of " + from);
    }

    /** The start of the first working period after {@code after}: "next working morning". */
    public Instant nextStart(Instant after) {
        LocalDate day = after.atZone(zone).toLocalDate();
        for (int i = 0; i < MAX_DAYS; i++, day = day.plusDays(1)) {
            for (Period period : hours.periodsStarting(day, zone)) {
                if (period.start().isAfter(after)) {
                    return period.start();
                }
            }
        }
        throw new IllegalStateException("business hours leave no time within " + MAX_DAYS + " days of " + after);
    }
}
