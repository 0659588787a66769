package dev.heartbeat.daemon;

import dev.heartbeat.audit.Decision;
import dev.heartbeat.beat.BeatListener;
import dev.heartbeat.beat.BeatOptions;
import dev.heartbeat.config.AgentConfig;
import dev.heartbeat.model.ModelRouter;
import dev.heartbeat.store.Cluster;
import dev.heartbeat.store.Control;
import dev.heartbeat.store.Database;
import dev.heartbeat.store.Store;
import dev.heartbeat.support.Host;
import dev.heartbeat.support.Ids;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.quartz.JobDataMap;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon: Quartz firing the heartbeat job on the configured schedule, every tick fenced in the
 * store before it runs, wake requests taken from the store, readiness, status and watchdog reported to
 * systemd, and a stop that lets a running beat finish within the grace period. With SQLite one daemon
 * holds the store's lock; with PostgreSQL any number of daemons form a Quartz cluster.
 */
public final class Daemon {
    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);
    private static final Duration MAX_CLOCK_OFFSET = Duration.ofSeconds(1);
    private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss xxx");

    private final AgentConfig config;
    private final Clock clock;
    private final Map<String, String> env;
    private final Schedule schedule;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicReference<Instant> beatStartedAt = new AtomicReference<>();
    private final JobKey heartbeatKey;
    private final String holder;
    /** What a serving daemon runs on; set before the scheduler starts, so every job and the watchdog see it. */
    private record Serving(AgentRuntime runtime, Scheduler scheduler, SystemdNotifier systemd, MissedTicks missed) {}

    private volatile @Nullable Serving serving;

    private volatile String lastBeat = "no beat yet";
    /** This daemon as decisions and the fence name it: its cluster instance id, or "pid N on HOST". */
    private volatile String node;

    public Daemon(AgentConfig config, Clock clock, Map<String, String> env) {
        this.config = config;
        this.clock = clock;
        this.env = env;
        this.schedule = new Schedule(config);
        this.heartbeatKey = JobKey.jobKey("heartbeat", config.agent().name());
        this.holder = "pid " + ProcessHandle.current().pid() + " on " + Host.name();
        this.node = holder;
    }

    /** Runs until {@link #stop()}; returns the exit code. */
    public int run() {
        try {
            Database database = AgentRuntime.database(config);
            if (database.clustered()) {
                // Several daemons share a server database by design: Quartz's cluster decides which node
                // fires each tick and the fence makes sure a tick never runs twice. No file lock.
                return serve(database.describe());
            }
            return lockedRun();
        } finally {
            stopped.countDown();
        }
    }

    private int lockedRun() {
        Path file = AgentRuntime.databaseFile(config);
        InstanceLock.Result locked = lock(file);
        // A --once beat holds the store for its whole beat: wait for it (at most its deadline) rather than
        // take its unfinished beat for a crashed one.
        Instant giveUp = Instant.now().plus(config.heartbeat().deadline()).plusSeconds(60);
        boolean told = false;
        while (locked.lock().isEmpty()
                && InstanceLock.isOnce(locked.owner())
                && Instant.now().isBefore(giveUp)) {
            if (!told) {
                LOG.info(
                        "waiting for the --once beat ({}) to finish before starting",
                        locked.owner()
                                .substring(
                                        locked.owner().indexOf('(') + 1,
                                        locked.owner().length() - 1));
                told = true;
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DaemonException("interrupted while waiting for the --once beat to finish", 1);
            }
            locked = lock(file);
        }
        if (locked.lock().isEmpty() && InstanceLock.isOnce(locked.owner())) {
            throw new DaemonException(
                    locked.owner() + " still holds the store " + file + " after "
                            + config.heartbeat().deadline().plusSeconds(60).toSeconds()
                            + " s; try again when it has finished",
                    2);
        }
        if (locked.lock().isEmpty()) {
            throw new DaemonException(
                    "another daemon (" + locked.owner() + ") is running with the store " + file
                            + "; stop it first, or ask it for a beat with 'heartbeat-agent wake'",
                    2);
        }
        try (InstanceLock lock = locked.lock().get()) {
            return serve("lock " + lock.file());
        } catch (IOException e) {
            throw new DaemonException("cannot release the lock beside " + file + ": " + e.getMessage(), 1);
        }
    }

    private InstanceLock.Result lock(Path file) {
        try {
            return InstanceLock.acquire(file, holder);
        } catch (IOException e) {
            throw new DaemonException("cannot take the lock beside " + file + ": " + e.getMessage(), 1);
        }
    }

    private int serve(String where) {
        SystemdNotifier systemd = SystemdNotifier.fromEnvironment(env);
        ModelRouter model = ModelRouter.of(config.model(), clock);
        try (Tracing tracing = Tracing.fromEnvironment(config, env).orElse(null);
                ObservabilityServer observability =
                        config.observability().http() == null ? null : new ObservabilityServer(config, clock);
                AgentRuntime agent = new AgentRuntime(config, clock, model, listeners(tracing, observability))) {
            if (observability != null) {
                observability.start(agent.store(), model, this::liveness);
            }
            MissedTicks missed = new MissedTicks(agent, config.agent().name(), schedule, clock, () -> node);
            boolean clustered = agent.store().database().clustered();
            if (clustered) {
                checkClock(agent);
            }
            Scheduler scheduler = new QuartzSetup(this, missed, config, schedule, clock, heartbeatKey)
                    .create(agent.store().database());
            node = clustered ? scheduler.getSchedulerInstanceId() : holder;
            Serving up = new Serving(agent, scheduler, systemd, missed);
            serving = up;
            missed.recordWhileDown();
            scheduler.start();
            String next = nextBeat(scheduler);
            LOG.info("daemon started ({}{}): {}; {}", holder, clustered ? ", cluster node " + node : "", next, where);
            systemd.ready("waiting; " + next);
            ScheduledExecutorService watchdog = startWatchdog(systemd);
            stopRequested.await();
            shutdown(up, watchdog);
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } catch (SchedulerException e) {
            throw new DaemonException("the daemon failed: " + e.getMessage(), 1);
        } finally {
            serving = null;
            systemd.close();
        }
    }

    /** A cluster node whose clock is off the database's would fire ticks early or late and steal others' ticks. */
    private void checkClock(AgentRuntime runtime) {
        Optional<Duration> offset = runtime.store().cluster().clockOffset();
        if (offset.isPresent() && offset.get().abs().compareTo(MAX_CLOCK_OFFSET) > 0) {
            Duration d = offset.get();
            throw new DaemonException(
                    String.format(
                            "this machine's clock is %.1f s %s the database server's; a cluster "
                                    + "node must be within %d s of it. Fix the time sync (timedatectl status, chronyc tracking) and "
                                    + "start again",
                            d.abs().toMillis() / 1000.0,
                            d.isNegative() ? "behind" : "ahead of",
                            MAX_CLOCK_OFFSET.toSeconds()),
                    1);
        }
    }

    /** What watches the beats besides the decision log: traces and metrics, where configured. */
    private static List<BeatListener> listeners(
            @Nullable Tracing tracing, @Nullable ObservabilityServer observability) {
        List<BeatListener> out = new ArrayList<>();
        if (tracing != null) {
            out.add(tracing.listener());
        }
        if (observability != null) {
            out.add(observability.listener());
        }
        return out;
    }

    /** Asks the daemon to stop (from a signal handler); returns at once. */
    public void stop() {
        stopRequested.countDown();
    }

    /** Waits until {@link #run()} has cleaned up. */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** What the daemon runs on, for a job the scheduler started (so after it was set). */
    private Serving serving() {
        Serving up = serving;
        if (up == null) {
            throw new IllegalStateException("the daemon is not serving yet");
        }
        return up;
    }

    private String nextBeat(Scheduler scheduler) {
        try {
            Trigger t = scheduler.getTrigger(schedule.key());
            if (t != null && t.getNextFireTime() != null) {
                return "next beat "
                        + HH_MM.format(OffsetDateTime.ofInstant(
                                t.getNextFireTime().toInstant(), config.agent().timezone()));
            }
        } catch (SchedulerException e) {
            LOG.debug("no next fire time: {}", e.getMessage());
        }
        return "no scheduled beats";
    }

    /** WATCHDOG=1 at half the systemd watchdog interval, only while the daemon is really alive. */
    private @Nullable ScheduledExecutorService startWatchdog(SystemdNotifier systemd) {
        Optional<Long> micros = systemd.watchdogMicros();
        if (micros.isEmpty()) {
            return null;
        }
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "watchdog");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(100_000, micros.get() / 2);
        executor.scheduleAtFixedRate(
                () -> {
                    Optional<String> problem = liveness();
                    if (problem.isEmpty()) {
                        systemd.watchdog();
                    } else {
                        LOG.error("liveness check failed, withholding WATCHDOG=1: {}", problem.get());
                    }
                },
                0,
                every,
                TimeUnit.MICROSECONDS);
        return executor;
    }

    /** Why the daemon is not healthy, or empty when it is: scheduler running, store answering, no stuck beat. */
    Optional<String> liveness() {
        Serving up = serving;
        try {
            if (up == null || !up.scheduler().isStarted() || up.scheduler().isShutdown()) {
                return Optional.of("the scheduler is not running");
            }
        } catch (SchedulerException e) {
            return Optional.of("the scheduler does not answer: " + e.getMessage());
        }
        if (!up.runtime().store().control().ping()) {
            return Optional.of("the store does not answer");
        }
        Instant started = beatStartedAt.get();
        Duration limit = config.model()
                .timeout()
                .plusSeconds(30)
                .multipliedBy(config.heartbeat().maxSteps() + 1L);
        if (started != null && Duration.between(started, clock.instant()).compareTo(limit) > 0) {
            return Optional.of("a beat has been running since " + started + ", longer than " + limit);
        }
        return Optional.empty();
    }

    private void shutdown(Serving up, @Nullable ScheduledExecutorService watchdog)
            throws SchedulerException, InterruptedException {
        Scheduler scheduler = up.scheduler();
        Duration grace = config.heartbeat().shutdownGrace();
        up.systemd().stopping("stopping; a running beat gets " + grace.toSeconds() + "s to finish");
        LOG.info("stopping: no new beats; a running beat gets {}s to finish", grace.toSeconds());
        scheduler.standby();
        long deadline = System.nanoTime() + grace.toNanos();
        while (!scheduler.getCurrentlyExecutingJobs().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        if (!scheduler.getCurrentlyExecutingJobs().isEmpty()) {
            LOG.warn("the running beat did not finish within {}s; interrupting it", grace.toSeconds());
            scheduler.interrupt(heartbeatKey);
        }
        // In a cluster the node's row stays: the others find it silent and recover what it still held
        // (an acquired next tick). Quartz looks for orphaned fired triggers only at a node's first check-in,
        // so removing the row here could leave such a tick stuck.
        scheduler.shutdown(true);
        if (watchdog != null) {
            watchdog.shutdownNow();
        }
        LOG.info("stopped cleanly");
    }

    /**
     * One beat, from the scheduler's thread, for the tick scheduled at {@code scheduledAt}. The beat takes
     * the tick's fence first: if another node or scheduler took it already, this beat does not run.
     */
    void beat(Decision.Trigger trigger, @Nullable String wakeReason, Instant scheduledAt) {
        Serving up = serving();
        beatStartedAt.set(clock.instant());
        try {
            if (trigger == Decision.Trigger.SCHEDULE) {
                up.missed().recordGapBefore(scheduledAt);
            }
            up.systemd().status("beating (" + trigger.wire() + "); last: " + lastBeat);
            Optional<Decision> d = up.runtime()
                    .tick(new BeatOptions(trigger, false, false, wakeReason)
                            .fenced(Ids.next(clock), scheduledAt, node));
            if (d.isEmpty()) {
                LOG.warn(
                        "the tick of {} was taken already (by another node, or a second scheduler); not running it "
                                + "twice",
                        scheduledAt);
                return;
            }
            lastBeat = d.get().outcome().wire() + " at "
                    + DateTimeFormatter.ofPattern("HH:mm:ss")
                            .format(d.get()
                                    .finishedAt()
                                    .atZoneSameInstant(config.agent().timezone()));
        } catch (RuntimeException e) {
            LOG.error("the beat failed to record", e);
            lastBeat = "error at " + clock.instant();
        } finally {
            beatStartedAt.set(null);
            up.systemd().status("last beat " + lastBeat + "; " + nextBeat(up.scheduler()));
        }
    }

    void pollWakes() {
        Serving up = serving();
        try {
            up.runtime().retryNotifications();
        } catch (RuntimeException e) {
            LOG.warn("retrying queued notifications failed: {}", e.getMessage());
        }
        Optional<Control.Wake> wake = up.runtime().store().control().takeWake(holder);
        if (wake.isEmpty()) {
            return;
        }
        String reason =
                wake.get().reason() == null ? "(no reason given)" : wake.get().reason();
        LOG.info("wake request {} taken: {}", wake.get().id(), reason);
        JobDataMap data = new JobDataMap();
        data.put("trigger", "manual");
        data.put("reason", reason);
        try {
            up.scheduler().triggerJob(heartbeatKey, data);
        } catch (SchedulerException e) {
            LOG.error(
                    "cannot start the beat asked for by wake request {}: {}",
                    wake.get().id(),
                    e.getMessage());
        }
    }

    /** The Quartz scheduler name every node of the agent's cluster shares. */
    public static String schedulerName(AgentConfig config) {
        return "heartbeat-" + config.agent().name();
    }

    /**
     * Who is running, in words ("pid 12 on web1", "2 cluster nodes: a, b"), or empty when no daemon is.
     * {@code store} may be null when there is no database yet.
     */
    public static Optional<String> running(AgentConfig config, @Nullable Store store, Instant now) {
        if (!config.storage().postgres()) {
            return InstanceLock.holder(AgentRuntime.databaseFile(config)).filter(h -> !InstanceLock.isOnce(h));
        }
        if (store == null) {
            return Optional.empty();
        }
        List<Cluster.Node> live = store.cluster().clusterNodes(schedulerName(config)).stream()
                .filter(n -> n.alive(now))
                .toList();
        if (live.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(live.size() + " cluster node" + (live.size() == 1 ? "" : "s") + ": "
                + String.join(", ", live.stream().map(Cluster.Node::id).toList()));
    }
}
