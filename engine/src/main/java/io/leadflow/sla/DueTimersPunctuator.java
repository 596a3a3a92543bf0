package io.leadflow.sla;

import org.apache.kafka.streams.processor.Punctuator;

import java.time.Duration;
import java.util.function.LongConsumer;

/**
 * Fires due SLA timers by the wall clock, so an alert leaves within a tick of its deadline even when no record
 * arrives — but only once the task has caught up with its input. While it works through a backlog (after a restart,
 * an outage, a replay), the records themselves fire the timers by their event time, before they are applied: a
 * response that precedes a deadline in event time then always prevents the breach, and a replay fires exactly what
 * the live run fired. The task counts as caught up when its last record was recent (event time within
 * {@code catchUpLag} of the wall clock) or when no record came for {@code idleAfter}.
 */
public final class DueTimersPunctuator implements Punctuator {
    private final long catchUpLagMs;
    private final long idleAfterMs;
    private final LongConsumer fireUpTo;
    private long lastRecordWallClock;
    private long lastRecordLag = Long.MAX_VALUE;

    /**
     * @param startedAt wall-clock time the task started: until records say otherwise, it may have a backlog
     * @param fireUpTo  fires every timer due by the given time
     */
    public DueTimersPunctuator(Duration catchUpLag, Duration idleAfter, long startedAt, LongConsumer fireUpTo) {
        this.catchUpLagMs = catchUpLag.toMillis();
        this.idleAfterMs = idleAfter.toMillis();
        this.lastRecordWallClock = startedAt;
        this.fireUpTo = fireUpTo;
    }

    /** A record of event time {@code timestamp} is being processed at wall-clock time {@code now}. */
    public void seen(long timestamp, long now) {
        lastRecordWallClock = now;
        lastRecordLag = now - timestamp;
    }

    public boolean caughtUp(long now) {
        return lastRecordLag <= catchUpLagMs || now - lastRecordWallClock >= idleAfterMs;
    }

    @Override
    public void punctuate(long now) {
        if (caughtUp(now)) {
            fireUpTo.accept(now);
        }
    }
}
