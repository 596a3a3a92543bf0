package io.leadflow.sla;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DueTimersPunctuatorTest {
    private static final long MINUTE = 60_000;
    private final List<Long> fired = new ArrayList<>();
    private final DueTimersPunctuator punctuator = new DueTimersPunctuator(Duration.ofMinutes(5), Duration.ofSeconds(1), 0, fired::add);

    @Test
    void afterAStartItWaitsForRecordsOrQuietBeforeTrustingTheWallClock() {
        punctuator.punctuate(500);
        assertThat(fired).as("just started: there may be a backlog").isEmpty();
        punctuator.punctuate(1_000);
        assertThat(fired).as("nothing came for a second: caught up").containsExactly(1_000L);
    }

    @Test
    void whileRecordsRunFarBehindTheWallClockOnlyTheirEventTimeFiresTimers() {
        long now = 1_000 * MINUTE;
        punctuator.seen(now - 60 * MINUTE, now); // an hour behind: a backlog
        punctuator.punctuate(now + 200);
        punctuator.seen(now - 59 * MINUTE, now + 300);
        punctuator.punctuate(now + 400);
        assertThat(fired).isEmpty();

        // live again: a record from a second ago
        punctuator.seen(now + 500, now + 1_500);
        punctuator.punctuate(now + 1_600);
        assertThat(fired).containsExactly(now + 1_600);
    }

    @Test
    void aLateRecordHoldsTheWallClockBackUntilTheInputGoesQuiet() {
        long now = 1_000 * MINUTE;
        punctuator.seen(now - 6 * 60 * MINUTE, now); // a call tracker record six hours late
        punctuator.punctuate(now + 900);
        assertThat(fired).isEmpty();
        punctuator.punctuate(now + 1_000);
        assertThat(fired).containsExactly(now + 1_000);
    }
}
