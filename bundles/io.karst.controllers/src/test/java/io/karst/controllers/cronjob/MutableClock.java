package io.karst.controllers.cronjob;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

/**
 * A clock a test sets by hand, so time-driven controllers can be tested without waiting. It stands still between
 * settings, or, once {@link #ticking}, runs on from the last setting at the real pace (to let a controller's own
 * timers fire).
 */
public final class MutableClock extends Clock {
    private final ZoneId zone;
    private Instant base;
    private long baseNanos;
    private boolean ticking;

    public MutableClock(Instant start, ZoneId zone) {
        this.zone = zone;
        set(start);
    }

    public synchronized void set(Instant instant) {
        base = instant;
        baseNanos = System.nanoTime();
    }

    public synchronized void advance(Duration by) {
        set(instant().plus(by));
    }

    /** From now on the clock runs at the real pace from where it stands. */
    public synchronized void ticking() {
        set(instant());
        ticking = true;
    }

    @Override
    public synchronized Instant instant() {
        return ticking ? base.plusNanos(System.nanoTime() - baseNanos) : base;
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    @Override
    public Clock withZone(ZoneId other) {
        throw new UnsupportedOperationException("one zone per test clock");
    }
}
