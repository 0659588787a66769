package dev.heartbeat.heartbeat;

import dev.heartbeat.audit.Decision.Trigger;

/**
 * How a beat was asked for. {@code dryRun}: side-effecting tools are recorded, not run.
 * {@code force}: run outside active hours too.
 */
public record BeatOptions(Trigger trigger, boolean dryRun, boolean force) {
}
