package dev.heartbeat.store;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Where a request for a person's approval stands, as stored and shown ({@link #wire()}): pending until a
 * person decides or it expires; an approved call is running from the moment its intent is taken, then done
 * (or of unknown outcome after a crash, never run again); denied and expired ones are closed by the next beat.
 */
public enum ApprovalStatus {
    PENDING,
    APPROVED,
    DENIED,
    /** Shown for a pending request past its expiry; stored as closed_expired once a beat closes it. */
    EXPIRED,
    RUNNING,
    DONE,
    OUTCOME_UNKNOWN,
    CLOSED_DENIED,
    CLOSED_EXPIRED;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ApprovalStatus fromWire(String wire) {
        return valueOf(wire.toUpperCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        return wire();
    }
}
