package dev.heartbeat.beat;

import dev.heartbeat.audit.Decision.Trigger;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * How a beat was asked for. {@code dryRun}: side-effecting tools are recorded, not run.
 * {@code force}: run outside active hours too. {@code wakeReason}: why someone asked for this beat
 * ({@code heartbeat-agent wake --reason}), or null. {@code beatId}, {@code scheduledAt} and
 * {@code node}: set by a daemon that took the tick's fence for this beat first; null otherwise.
 */
public record BeatOptions(
        Trigger trigger,
        boolean dryRun,
        boolean force,
        @Nullable String wakeReason,
        @Nullable String beatId,
        @Nullable Instant scheduledAt,
        @Nullable String node) {
    public BeatOptions(Trigger trigger, boolean dryRun, boolean force, @Nullable String wakeReason) {
        this(trigger, dryRun, force, wakeReason, null, null, null);
    }

    public BeatOptions(Trigger trigger, boolean dryRun, boolean force) {
        this(trigger, dryRun, force, null);
    }

    /** The same beat, run under the fence of {@code scheduledAt}, taken by {@code node} for {@code beatId}. */
    public BeatOptions fenced(String beatId, Instant scheduledAt, String node) {
        return new BeatOptions(trigger, dryRun, force, wakeReason, beatId, scheduledAt, node);
    }
}
