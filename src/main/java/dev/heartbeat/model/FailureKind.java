package dev.heartbeat.model;

import java.util.Locale;

/**
 * Why a model call failed, as records and messages name it ({@link #wire()}). Three kinds are about the
 * request or the beat, not the provider: another provider would not help, and they do not count against a
 * provider's circuit breaker.
 */
public enum FailureKind {
    AUTH,
    NOT_FOUND,
    RATE_LIMIT,
    SERVER,
    TIMEOUT,
    CONNECTION,
    INVALID_REQUEST,
    INTERRUPTED,
    DEADLINE,
    BREAKER_OPEN,
    OTHER;

    /** The name in records and messages: {@code rate_limit}, {@code invalid_request}, ... */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Worth trying another provider: the problem is the provider, not the request or the beat. */
    public boolean providerSide() {
        return this != INVALID_REQUEST && this != INTERRUPTED && this != DEADLINE;
    }

    @Override
    public String toString() {
        return wire();
    }
}
