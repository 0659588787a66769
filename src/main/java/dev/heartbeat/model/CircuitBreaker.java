package dev.heartbeat.model;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Stops asking a provider that keeps failing: after {@code threshold} failed calls in a row it opens;
 * after the cool-down one probe call is let through (half-open); a success closes it again.
 */
public final class CircuitBreaker {
    public enum State { CLOSED, OPEN, HALF_OPEN }

    private final int threshold;
    private final Duration coolDown;
    private final Clock clock;
    private int failures;
    private Instant openedAt;
    private boolean probing;

    public CircuitBreaker(int threshold, Duration coolDown, Clock clock) {
        this.threshold = threshold;
        this.coolDown = coolDown;
        this.clock = clock;
    }

    /** Whether a call may go out now; in half-open state only one probe at a time. */
    public synchronized boolean allow() {
        State s = state();
        if (s == State.CLOSED) {
            return true;
        }
        if (s == State.HALF_OPEN && !probing) {
            probing = true;
            return true;
        }
        return false;
    }

    public synchronized State state() {
        if (openedAt == null) {
            return State.CLOSED;
        }
        return clock.instant().isBefore(openedAt.plus(coolDown)) ? State.OPEN : State.HALF_OPEN;
    }

    public synchronized void success() {
        failures = 0;
        openedAt = null;
        probing = false;
    }

    public synchronized void failure() {
        probing = false;
        failures++;
        if (failures >= threshold || openedAt != null) {
            openedAt = clock.instant();
        }
    }

    public synchronized Instant retryAt() {
        return openedAt == null ? clock.instant() : openedAt.plus(coolDown);
    }
}
