package io.leadflow.config;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ShiftSpecTest {
    private static final ZoneId MOSCOW = ZoneId.of("Europe/Moscow");
    private static final ShiftSpec OFFICE = new ShiftSpec(null, Map.of("MON-FRI", List.of("09:00-18:00")), Map.of("2026-12-31", List.of()));

    @Test
    void weekdayRangesExpandToSingleDays() {
        assertThat(OFFICE.weekly()).containsOnlyKeys("MON", "TUE", "WED", "THU", "FRI");
        assertThat(new ShiftSpec(null, Map.of("FRI-MON", List.of("10:00-12:00")), null).weekly()).containsOnlyKeys("FRI", "SAT", "SUN", "MON");
    }

    @Test
    void coversItsHoursInTheTenantsZoneAndNotTheWeekend() {
        assertThat(OFFICE.covers(Instant.parse("2026-11-23T06:00:00Z"), MOSCOW)).isTrue();   // Mon 09:00 Moscow
        assertThat(OFFICE.covers(Instant.parse("2026-11-23T05:59:59Z"), MOSCOW)).isFalse();  // Mon 08:59:59
        assertThat(OFFICE.covers(Instant.parse("2026-11-23T15:00:00Z"), MOSCOW)).isFalse();  // Mon 18:00: the end is exclusive
        assertThat(OFFICE.covers(Instant.parse("2026-11-28T10:00:00Z"), MOSCOW)).isFalse();  // Saturday
        Instant nineInYekaterinburg = Instant.parse("2026-11-23T04:00:00Z"); // 07:00 in Moscow
        assertThat(OFFICE.covers(nineInYekaterinburg, ZoneId.of("Asia/Yekaterinburg"))).isTrue();
        assertThat(OFFICE.covers(nineInYekaterinburg, MOSCOW)).isFalse();
    }

    @Test
    void anExceptionReplacesTheWeeklyHoursOfItsDate() {
        assertThat(OFFICE.covers(Instant.parse("2026-12-31T08:00:00Z"), MOSCOW)).isFalse(); // a Thursday, but off
        ShiftSpec shortDay = new ShiftSpec(null, OFFICE.weekly(), Map.of("2026-12-30", List.of("09:00-13:00")));
        assertThat(shortDay.covers(Instant.parse("2026-12-30T09:30:00Z"), MOSCOW)).isTrue();  // 12:30
        assertThat(shortDay.covers(Instant.parse("2026-12-30T10:30:00Z"), MOSCOW)).isFalse(); // 13:30
        ShiftSpec saturdayWork = new ShiftSpec(null, OFFICE.weekly(), Map.of("2026-11-28", List.of("10:00-14:00")));
        assertThat(saturdayWork.covers(Instant.parse("2026-11-28T08:00:00Z"), MOSCOW)).isTrue();
    }

    @Test
    void aNightShiftRunsPastMidnightIntoTheNextDay() {
        ShiftSpec nights = new ShiftSpec("Asia/Novosibirsk", Map.of("FRI", List.of("22:00-06:00")), null);
        assertThat(nights.covers(Instant.parse("2026-11-27T15:30:00Z"), MOSCOW)).isTrue();  // Fri 22:30 in Novosibirsk
        assertThat(nights.covers(Instant.parse("2026-11-27T22:59:00Z"), MOSCOW)).isTrue();  // Sat 05:59 there
        assertThat(nights.covers(Instant.parse("2026-11-27T23:00:00Z"), MOSCOW)).isFalse(); // Sat 06:00 there
        assertThat(nights.covers(Instant.parse("2026-11-26T22:00:00Z"), MOSCOW)).isFalse(); // Fri 05:00: Thursday had no night
    }

    @Test
    void typosFailAtLoadTime() {
        assertThatThrownBy(() -> new ShiftSpec(null, Map.of("MONDAY", List.of("09:00-18:00")), null)).hasMessageContaining("weekday");
        assertThatThrownBy(() -> new ShiftSpec(null, Map.of("MON", List.of("9-18")), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("shift interval '9-18' is not HH:mm-HH:mm, e.g. 09:00-18:00");
        assertThatThrownBy(() -> new ShiftSpec(null, null, Map.of("31.12.2026", List.of())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'31.12.2026' is not a date");
        assertThatThrownBy(() -> new ShiftSpec("Mars/Olympus", null, null)).isInstanceOf(RuntimeException.class);
    }
}
