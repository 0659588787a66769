package dev.heartbeat.probe;

import dev.heartbeat.audit.Decision.ProbeRecord;
import dev.heartbeat.config.Probe;
import dev.heartbeat.support.Texts;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What one probe found at a beat: its result and fingerprint (or why it failed), whether it ran or its last
 * result stood, and what the model last saw of it ({@code seen}, null: never).
 */
public record Found(
        Probe probe,
        boolean ran,
        @Nullable String fingerprint,
        @Nullable String result,
        @Nullable String error,
        Instant ranAt,
        long durationMs,
        @Nullable String seen) {
    /** How much of a result goes into the decision record. */
    static final int RECORDED_CHARS = 500;

    public String name() {
        return probe.name();
    }

    public boolean failed() {
        return error != null || fingerprint == null;
    }

    /** Differs from what the model last saw; a failed probe counts as changed, so a broken probe misses nothing. */
    public boolean changed() {
        return failed() || !Objects.equals(fingerprint, seen);
    }

    /** Its {@code when} condition on the result; null without one. */
    public @Nullable Boolean holds() {
        return probe.condition()
                .map(p -> result != null && p.matcher(result).find())
                .orElse(null);
    }

    /**
     * Whether this probe asks for the model: while its condition holds (a probe with {@code when}), when it
     * changed (one without), and whenever it failed.
     */
    public boolean wakes() {
        Boolean holds = holds();
        return failed() || (holds != null ? holds : changed());
    }

    /** Why it wakes the model, in a few words; null when it does not. */
    public @Nullable String why() {
        if (failed()) {
            return "failed";
        }
        Boolean holds = holds();
        if (holds != null) {
            return holds ? "its condition holds (" + probe.when() + ")" : null;
        }
        return !changed() ? null : seen == null ? "first look" : "changed";
    }

    public ProbeRecord record(ZoneId zone) {
        return new ProbeRecord(
                name(),
                probe.kind().name().toLowerCase(Locale.ROOT),
                probe.source(),
                ran,
                changed(),
                holds(),
                fingerprint == null ? null : fingerprint.substring(0, Math.min(16, fingerprint.length())),
                result == null ? null : Texts.cut(result, RECORDED_CHARS),
                error,
                OffsetDateTime.ofInstant(ranAt, zone),
                durationMs);
    }
}
