package dev.heartbeat.beat;

import dev.heartbeat.audit.Decision;
import dev.heartbeat.audit.Decision.Gate;
import dev.heartbeat.audit.Decision.Outcome;
import dev.heartbeat.config.AgentConfig;
import dev.heartbeat.model.ModelRouter;
import dev.heartbeat.notify.Notifier;
import dev.heartbeat.store.BeatLock;
import dev.heartbeat.store.Cluster;
import dev.heartbeat.store.Intents;
import dev.heartbeat.store.Store;
import dev.heartbeat.support.Ids;
import dev.heartbeat.tools.ToolSources;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One heartbeat, as a pipeline of steps: the beat lock and the tick's fence, crash recovery of beats cut
 * short, retention, then {@link RunningBeat#perform} (gates, the session's history loaded and repaired, the
 * context, the model and its tool calls, the outcome), and the record ({@link Recorder}), which the
 * {@link BeatListener}s hear of. Every message is stored the moment it exists, so a crash leaves what came
 * before.
 */
public final class BeatRunner {
    private static final Logger LOG = LoggerFactory.getLogger("dev.heartbeat.decision");

    private final AgentConfig config;
    private final Store store;
    private final Clock clock;
    private final ToolSources tools;
    private final ModelRouter model;
    private final Notifier notifier;
    private final Retention retention;
    private final Recorder recorder;
    private final BeatListener listener;

    /** {@code tools}: the model's tools, from every tool source; {@code listeners}: what watches each beat. */
    public BeatRunner(
            AgentConfig config,
            Store store,
            Clock clock,
            ModelRouter model,
            Notifier notifier,
            ToolSources tools,
            List<BeatListener> listeners) {
        this.config = config;
        this.store = store;
        this.clock = clock;
        this.model = model;
        this.notifier = notifier;
        this.listener = new BeatListeners(listeners);
        this.retention = new Retention(config, store, clock);
        this.recorder = new Recorder(config, store, listener);
        this.tools = tools;
    }

    /** A beat of this agent: {@code journaled} for one that runs (its calls go on record as they happen). */
    private RunningBeat beat(String id, BeatOptions options, OffsetDateTime started, boolean journaled) {
        return new RunningBeat(config, store, clock, model, notifier, tools, id, options, started, journaled, listener);
    }

    private RunningBeat beat(String id, BeatOptions options, OffsetDateTime started) {
        return beat(id, options, started, false);
    }

    /** A beat that takes no tick ({@code --once}): it always runs, or is recorded as skipped. */
    public Decision run(BeatOptions options) {
        return runBeat(options).orElseThrow();
    }

    /**
     * A daemon's beat for the tick {@code options.scheduledAt()}: empty when the tick was taken already
     * (another node or scheduler ran it), and then nothing runs and nothing is recorded.
     */
    public Optional<Decision> tick(BeatOptions options) {
        if (options.scheduledAt() == null || options.beatId() == null) {
            throw new IllegalArgumentException("a tick needs its scheduled instant and beat id");
        }
        return runBeat(options);
    }

    private Optional<Decision> runBeat(BeatOptions options) {
        RunningBeat beat = beat(
                options.beatId() != null ? options.beatId() : Ids.next(clock),
                options,
                OffsetDateTime.now(clock),
                true);
        boolean fenced = options.scheduledAt() != null;
        Optional<BeatLock> lock = store.cluster().tryLockBeat(config.agent().name());
        // A wake is a person asking: it waits a little for a routine beat running elsewhere instead of being lost.
        for (int tries = 0;
                lock.isEmpty() && options.trigger() == Decision.Trigger.MANUAL && fenced && tries < 100;
                tries++) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            lock = store.cluster().tryLockBeat(config.agent().name());
        }
        if (lock.isEmpty()) {
            // Another beat of this agent is running (on another node): never two at once, and never
            // taking the other one for a crashed beat.
            beat.gates.add(new Gate("one_beat_at_a_time", false, "another beat of this agent holds the beat lock"));
            Decision skipped = beat.decide(Outcome.SKIPPED, "another beat of this agent was still running");
            return fenced ? recorder.recordFenced(skipped) : Optional.of(recorder.record(skipped));
        }
        try (BeatLock held = lock.get()) {
            // The beat goes on record (with its tick, if it has one) only under the lock and before anything
            // else, so a started beat or a taken tick without a decision is one whose beat died.
            if (!store.cluster()
                    .beginBeat(
                            config.agent().name(), beat.id, options.trigger(), options.scheduledAt(), options.node())) {
                return Optional.empty();
            }
            completeInterrupted(options.node(), beat.id);
            MDC.put("beat", beat.id);
            listener.beatStarted(beat.id, options);
            if (!options.dryRun()) {
                beat.repairs.addAll(retention.apply(beat.id));
            }
            beat.lock = held;
            return Optional.of(recorder.record(beat.perform()));
        } finally {
            MDC.remove("beat");
        }
    }

    /**
     * Records beats that did not happen: {@code count} scheduled fires from {@code first} to {@code last}
     * passed, {@code why} (the daemon was down, or no node could run them in time). No catch-up burst
     * follows; this one record, under the fence of the first missed tick, says what was missed.
     */
    public Optional<Decision> recordMissed(
            String beatId, int count, Instant first, Instant last, String node, String why) {
        RunningBeat beat = beat(
                beatId,
                new BeatOptions(Decision.Trigger.MISSED, false, false, null, beatId, first, node),
                OffsetDateTime.now(clock));
        beat.gates.add(new Gate("schedule", false, count + " scheduled beat(s) passed: " + why));
        return store.decisionLog()
                .appendFenced(
                        beat.decide(
                                Outcome.SKIPPED,
                                count + " scheduled beat(s) missed between "
                                        + OffsetDateTime.ofInstant(
                                                first, config.agent().timezone()) + " and "
                                        + OffsetDateTime.ofInstant(
                                                last, config.agent().timezone()) + " (" + why + "); no catch-up"),
                        last)
                .map(recorder::logged);
    }

    /**
     * Completes the decisions of beats a crash cut short, as failed, saying what was left open. Their
     * unanswered tool calls get "outcome unknown" results from the repair; nothing is run again.
     */
    void completeInterrupted(@Nullable String node, String running) {
        for (Intents.Interrupted beat : store.intents()
                .interruptedBeats(config.sessionName(), config.agent().name(), running)) {
            Optional<Cluster.Fence> fence = store.cluster().fenceOf(beat.beatId());
            // Beats from before every start was on record: only a daemon's beats took a tick.
            Decision.Trigger trigger = beat.trigger() != null
                    ? beat.trigger()
                    : fence.isPresent() ? Decision.Trigger.SCHEDULE : Decision.Trigger.MANUAL;
            // The record names the node that ran the beat (from its fence) where one is known.
            RunningBeat b = beat(
                    beat.beatId(),
                    new BeatOptions(
                            trigger,
                            false,
                            false,
                            null,
                            beat.beatId(),
                            fence.map(Cluster.Fence::scheduledAt).orElse(null),
                            fence.map(Cluster.Fence::node).orElse(node)),
                    beat.since());
            String open = beat.openCalls().isEmpty()
                    ? ""
                    : "; interrupted while running " + String.join(", ", beat.openCalls())
                            + ", whose outcome is unknown and which was not run again";
            b.gates.add(new Gate(
                    "schedule",
                    false,
                    fence.isPresent()
                            ? "the process running this beat (" + fence.get().node() + ") stopped during it"
                            : "the process stopped during this beat"));
            b.recover(store.intents().beatEvents(beat.beatId()), store.intents().intents(beat.beatId()));
            store.intents().interruptIntents(beat.beatId());
            Decision d = recorder.record(
                    b.decide(Outcome.FAILED, "interrupted: the process stopped before the beat finished" + open));
            LOG.warn("beat {} was interrupted by a crash; recorded as failed", d.id());
        }
    }
}
