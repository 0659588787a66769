package dev.heartbeat.daemon;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.quartz.Trigger;
import org.quartz.listeners.TriggerListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the ticks Quartz skips on record. A fire later than the misfire threshold (a node died holding
 * the trigger, the cluster was down, a beat ran past the next tick) is skipped, not caught up; Quartz
 * calls this before it moves the trigger on, while the trigger still names the first skipped fire.
 */
final class MissedTicks extends TriggerListenerSupport {
    private static final Logger LOG = LoggerFactory.getLogger(MissedTicks.class);

    private final Daemon daemon;
    private final Schedule schedule;
    private final Clock clock;

    MissedTicks(Daemon daemon, Schedule schedule, Clock clock) {
        this.daemon = daemon;
        this.schedule = schedule;
        this.clock = clock;
    }

    @Override
    public String getName() {
        return "missed-ticks";
    }

    @Override
    public void triggerMisfired(Trigger trigger) {
        if (trigger.getNextFireTime() == null) {
            return;
        }
        Instant first = trigger.getNextFireTime().toInstant();
        Instant now = clock.instant();
        List<Instant> missed = schedule.fireTimes(first, now.plusMillis(1)).stream()
                .filter(t -> !t.isAfter(now))
                .toList();
        try {
            daemon.recordMissed(
                    missed.isEmpty() ? List.of(first) : missed,
                    "no node ran them in time: the daemons were down, a node died holding the schedule, "
                            + "or a beat ran past them");
        } catch (RuntimeException e) {
            LOG.error("cannot record the ticks missed from {}: {}", first, e.getMessage());
        }
    }
}
