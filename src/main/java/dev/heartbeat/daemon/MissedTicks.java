package dev.heartbeat.daemon;

import dev.heartbeat.audit.StoredDecision;
import dev.heartbeat.store.Cluster;
import dev.heartbeat.store.Store;
import dev.heartbeat.support.Ids;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.quartz.Trigger;
import org.quartz.listeners.TriggerListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the ticks nobody ran on record, one {@code missed} decision each time: those that passed while the
 * daemon was down (on start), those Quartz skips as misfires, and those that fell between the two. A fire
 * later than the misfire threshold (a node died holding the trigger, the cluster was down, a beat ran past
 * the next tick) is skipped, not caught up; Quartz calls {@link #triggerMisfired} before it moves the
 * trigger on, while the trigger still names the first skipped fire.
 */
final class MissedTicks extends TriggerListenerSupport {
    private static final Logger LOG = LoggerFactory.getLogger(MissedTicks.class);

    private final AgentRuntime runtime;
    private final String agent;
    private final Schedule schedule;
    private final Clock clock;
    private final Supplier<String> node;

    /** {@code node} names this daemon once its scheduler is up (decisions and fences carry it). */
    MissedTicks(AgentRuntime runtime, String agent, Schedule schedule, Clock clock, Supplier<String> node) {
        this.runtime = runtime;
        this.agent = agent;
        this.schedule = schedule;
        this.clock = clock;
        this.node = node;
    }

    @Override
    public String getName() {
        return "missed-ticks/" + agent;
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
        // A node killed holding a tick took it from Quartz (the trigger moved past it) but never fenced it: the
        // ticks between the last one taken and the first misfired are accounted for as a scheduled beat does.
        recordGapBefore(missed.isEmpty() ? first : missed.get(0));
        try {
            recordMissed(
                    missed.isEmpty() ? List.of(first) : missed,
                    "no node ran them in time: the daemons were down, a node died holding the schedule, "
                            + "or a beat ran past them");
        } catch (RuntimeException e) {
            LOG.error("cannot record the ticks missed from {}: {}", first, e.getMessage());
        }
    }

    /**
     * On a single node, the fires that passed while the daemon was down: Quartz's in-memory store does not
     * know them. A clustered store keeps its trigger, so Quartz finds those as misfires ({@link #triggerMisfired}).
     */
    void recordWhileDown() {
        Store store = runtime.store();
        List<StoredDecision> last = store.decisionLog().list(null, null, 1);
        if (store.database().clustered() || last.isEmpty() || last.get(0).decision() == null || !schedule.fires()) {
            return;
        }
        // After the last recorded beat, and after the last tick a beat took (one that crashed has no record yet).
        Instant since = last.get(0).decision().finishedAt().toInstant();
        Optional<Instant> taken = store.cluster().lastFence(agent).map(Cluster.Fence::scheduledAt);
        if (taken.isPresent() && taken.get().isAfter(since)) {
            since = taken.get();
        }
        recordMissed(schedule.fireTimes(since.plusMillis(1), clock.instant()), "the daemon was not running");
    }

    /**
     * Puts on record the ticks between the last tick taken and this one that nobody took: Quartz skips a
     * misfired tick a moment after our misfire listener counted them, so a tick falling in between would
     * otherwise vanish. The fence decides between this record and a late beat still taking one of them.
     */
    void recordGapBefore(Instant tick) {
        try {
            Optional<Instant> previous = runtime.store().cluster().ticksBefore(agent, tick, 5).stream()
                    .filter(t -> schedule.fireTimes(t, t.plusMillis(1)).contains(t))
                    .findFirst();
            if (previous.isPresent()) {
                recordMissed(
                        schedule.fireTimes(previous.get().plusMillis(1), tick).stream()
                                .filter(t -> t.isBefore(tick))
                                .toList(),
                        "no node ran them in time: a node died holding " + "the schedule, or a beat ran past them");
            }
        } catch (RuntimeException e) {
            LOG.error("cannot check for ticks missed before {}: {}", tick, e.getMessage());
        }
    }

    /** One {@code missed} record for these ticks, under the fence of the first, so no node records them twice. */
    private void recordMissed(List<Instant> missed, String why) {
        if (missed.isEmpty()) {
            return;
        }
        runtime.recordMissed(
                        Ids.next(clock), missed.size(), missed.get(0), missed.get(missed.size() - 1), node.get(), why)
                .ifPresent(d -> LOG.warn("{}", d.reason()));
    }
}
