package io.leadflow.sla;

import java.time.Duration;

/**
 * How the engine runs SLA timers (the same for every tenant).
 *
 * @param tick            how often the wall clock is checked for due timers: the most an alert can be late
 * @param catchUpLag      a record whose event time is further behind the wall clock than this means the task is
 *                        working through a backlog, and timers fire by event time only
 * @param idleAfter       no record for this long means the task has caught up
 * @param maxFiredPerTick most leads fired per check, so a burst of due timers never stalls the stream thread
 */
public record SlaTiming(Duration tick, Duration catchUpLag, Duration idleAfter, int maxFiredPerTick) {
    public static final SlaTiming DEFAULT = new SlaTiming(Duration.ofMillis(200), Duration.ofMinutes(5), Duration.ofSeconds(1), 1_000);
}
