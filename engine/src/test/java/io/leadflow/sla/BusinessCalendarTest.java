package io.leadflow.sla;

import io.leadflow.config.ShiftSpec;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BusinessCalendarTest {
    private static final ZoneId MOSCOW = ZoneId.of("Europe/Moscow");
    private static final ShiftSpec OFFICE = new ShiftSpec(null, Map.of("MON-FRI", List.of("09:00-18:00")), Map.of());

    @Test
    void workingTimeSkipsEveningsAndWeekends() {
        BusinessCalendar calendar = new BusinessCalendar(OFFICE, MOSCOW);
        assertThat(calendar.plus(moscow("2026-11-20T18:55"), Duration.ofHours(2))).isEqualTo(moscow("2026-11-23T11:00"));
        assertThat(calendar.plus(moscow("2026-11-23T17:00"), Duration.ofHours(2))).isEqualTo(moscow("2026-11-24T10:00"));
        assertThat(calendar.plus(moscow("2026-11-23T07:00"), Duration.ofMinutes(30))).isEqualTo(moscow("2026-11-23T09:30"));
        // a target that ends exactly at closing time is due at closing time, not the next morning
        assertThat(calendar.plus(moscow("2026-11-23T16:00"), Duration.ofHours(2))).isEqualTo(moscow("2026-11-23T18:00"));
        assertThat(calendar.plus(moscow("2026-11-23T10:00"), Duration.ofHours(9 * 5))).isEqualTo(moscow("2026-11-30T10:00"));
    }

    @Test
    void holidaysAndShortenedDaysComeFromTheExceptions() {
        ShiftSpec newYear = new ShiftSpec(null, OFFICE.weekly(), Map.of("2026-12-31", List.of("09:00-13:00"), "2027-01-01", List.of()));
        BusinessCalendar calendar = new BusinessCalendar(newYear, MOSCOW);
        // Thursday 31st works until 13:00, Friday 1st is off: 3 hours from 12:00 on the 31st end on Monday the 4th at 11:00
        assertThat(calendar.plus(moscow("2026-12-31T12:00"), Duration.ofHours(3))).isEqualTo(moscow("2027-01-04T11:00"));
        assertThat(calendar.nextStart(moscow("2026-12-31T12:00"))).isEqualTo(moscow("2027-01-04T09:00"));
    }

    @Test
    void theTenantsZoneDecidesWhatTheHoursMean() {
        ZoneId vladivostok = ZoneId.of("Asia/Vladivostok");
        BusinessCalendar calendar = new BusinessCalendar(OFFICE, vladivostok);
        Instant mondayMorningInMoscow = moscow("2026-11-23T09:30"); // 16:30 in Vladivostok: 1.5 h of the day left there
        assertThat(calendar.plus(mondayMorningInMoscow, Duration.ofHours(2)))
                .isEqualTo(LocalDateTime.parse("2026-11-24T09:30").atZone(vladivostok).toInstant());
    }

    @Test
    void aDayThatLosesAnHourToDaylightSavingHasAnHourLessOfNightShift() {
        ZoneId berlin = ZoneId.of("Europe/Berlin"); // clocks go from 02:00 to 03:00 on Sunday 2027-03-28
        ShiftSpec nights = new ShiftSpec(null, Map.of("SAT", List.of("22:00-06:00")), Map.of());
        BusinessCalendar calendar = new BusinessCalendar(nights, berlin);
        Instant saturday22 = LocalDateTime.parse("2027-03-27T22:00").atZone(berlin).toInstant();
        assertThat(Duration.between(saturday22, calendar.plus(saturday22, Duration.ofHours(7))))
                .as("7 working hours fit in that night exactly").isEqualTo(Duration.ofHours(7));
        assertThat(calendar.plus(saturday22, Duration.ofHours(7))).isEqualTo(LocalDateTime.parse("2027-03-28T06:00").atZone(berlin).toInstant());
    }

    @Test
    void businessHoursWithoutAnyWorkingTimeAreRefused() {
        assertThatThrownBy(() -> new BusinessCalendar(new ShiftSpec(null, Map.of("MON", List.of()), Map.of()), MOSCOW))
                .hasMessageContaining("no working time");
    }

    private static Instant moscow(String local) {
        return LocalDateTime.parse(local).atZone(MOSCOW).toInstant();
    }
}
