package io.leadflow.testing;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;

/**
 * Dates for tests that go through a real broker: in the past (Kafka refuses timestamps more than an hour ahead) but
 * never far in it (topics with time retention delete old records), whenever the suite runs.
 */
public final class PastWeek {
    private PastWeek() {
    }

    /** Last week's Monday at {@code hh:mm} UTC (09:00 in Moscow is 06:00 UTC). */
    public static Instant monday(int hour, int minute) {
        LocalDate monday = LocalDate.now(ZoneOffset.UTC).minusWeeks(1).with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
        return monday.atTime(LocalTime.of(hour, minute)).toInstant(ZoneOffset.UTC);
    }
}
