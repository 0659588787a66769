package dev.heartbeat.heartbeat;

import dev.heartbeat.audit.Decision.Trigger;

/**
 * How a beat was asked for. {@code dryRun}: side-effecting tools are recorded, not run.
 * {@code force}: run outside active hours too. {@code wakeReason}: why someone asked for this beat
 * ({@code heartbeat-agent wake --reason}), or null.
 */
public record BeatOptions(Trigger trigger, boolean dryRun, boolean force, String wakeReason) {
    public BeatOptions(Trigger trigger, boolean dryRun, boolean force) {
        this(trigger, dryRun, force, null);
    }
}
