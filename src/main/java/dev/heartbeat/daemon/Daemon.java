package dev.heartbeat.daemon;

import dev.heartbeat.audit.Decision;
import dev.heartbeat.beat.BeatListener;
import dev.heartbeat.beat.BeatOptions;
import dev.heartbeat.config.AgentConfig;
import dev.heartbeat.config.Fleet;
import dev.heartbeat.model.ModelRouter;
import dev.heartbeat.store.Cluster;
import dev.heartbeat.store.Control;
import dev.heartbeat.store.Database;
import dev.heartbeat.store.Migrator;
import dev.heartbeat.store.Store;
import dev.heartbeat.store.StoreException;
import dev.heartbeat.store.WakeSignals;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.quartz.JobDataMap;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon: Quartz firing each agent's heartbeat job on its schedule, every tick fenced in the store before it
 * runs, wake requests taken from the store, readiness, status and watchdog reported to systemd, and a stop that
 * lets running beats finish within the grace period. One process serves every agent of its configuration over
 * one store and one scheduler; each agent has its own runtime (model router and breakers, budget, tools, beat
 * lock) and scheduler thread, so one agent's hung provider or failing beats never hold up another's. With SQLite
 * one daemon holds the store's lock; with PostgreSQL any number of daemons form a Quartz cluster.
 */
public final class Daemon {
    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);
    private static final Duration MAX_CLOCK_OFFSET = Duration.ofSeconds(1);
    private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss xxx");

    private final Fleet fleet;
    /** The settings the agents share (storage, observability, the grace period): the first agent's. */
    private final AgentConfig shared;

    private final Clock clock;
    private final Map<String, String> env;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final String holder;
    /** What a serving daemon runs on; set before the scheduler starts, so every job and the watchdog see it. */
    private record Serving(
            Store store, Map<String, ServedAgent> agents, Scheduler scheduler, SystemdNotifier systemd) {}

    private volatile @Nullable Serving serving;

    /** This daemon as decisions and the fence name it: its cluster instance id, or "pid N on HOST". */
    private volatile String node;

    /** Who migrates a store not at this release's schema: null, this process. */
    private @Nullable Migrator migrator;

    public Daemon(AgentConfig config, Clock clock, Map<String, String> env) {
        this(Fleet.of(config), clock, env);
    }

    public Daemon(Fleet fleet, Clock clock, Map<String, String> env) {
        this.fleet = fleet;
        this.shared = fleet.shared();
        this.clock = clock;
        this.env = env;
        this.holder = "pid " + ProcessHandle.current().pid() + " on " + Host.name();
        this.node = holder;
    }

    /**
     * A store this daemon finds not at this release's schema is migrated by {@code migrator} (the command line's: a
     * process of its own, see {@link MigrationProcess}) before the daemon opens it. Call before {@link #run()}.
     */
    public Daemon migratingWith(Migrator migrator) {
        this.migrator = migrator;
        return this;
    }

    /** Runs until {@link #stop()}; returns the exit code. */
    public int run() {
        try {
            Database database = AgentRuntime.database(shared);
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
        Path file = AgentRuntime.databaseFile(shared);
        InstanceLock.Result locked = lock(file);
        // A --once beat holds the store for its whole beat: wait for it (at most its deadline) rather than
        // take its unfinished beat for a crashed one.
        Duration longest = fleet.agents().stream()
                .map(a -> a.heartbeat().deadline())
                .max(Duration::compareTo)
                .orElseThrow()
                .plusSeconds(60);
        Instant giveUp = Instant.now().plus(longest);
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
                    locked.owner() + " still holds the store " + file + " after " + longest.toSeconds()
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
        // Every secret masked before anything (opening the store, say) can fail with a message that quotes one.
        fleet.agents().forEach(AgentRuntime::registerSecrets);
        SystemdNotifier systemd = SystemdNotifier.fromEnvironment(env);
        List<AgentRuntime> runtimes = new ArrayList<>();
        try (Tracing tracing = Tracing.fromEnvironment(env).orElse(null);
                ObservabilityServer observability = shared.observability().http() == null
                        ? null
                        : new ObservabilityServer(shared.observability(), clock);
                Store store = AgentRuntime.openStore(shared, clock, migrator)) {
            Map<String, ServedAgent> agents = new LinkedHashMap<>();
            try {
                for (AgentConfig config : fleet.agents()) {
                    ServedAgent agent = serveAgent(config, store, tracing, observability);
                    runtimes.add(agent.runtime);
                    agents.put(agent.name(), agent);
                }
                return serve(where, systemd, store, agents, observability);
            } finally {
                closeAll(runtimes);
            }
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

    private int serve(
            String where,
            SystemdNotifier systemd,
            Store store,
            Map<String, ServedAgent> agents,
            @Nullable ObservabilityServer observability)
            throws SchedulerException, InterruptedException {
        if (observability != null) {
            observability.start(this::liveness);
        }
        boolean clustered = store.database().clustered();
        if (clustered) {
            checkClock(store);
        }
        Scheduler scheduler =
                new QuartzSetup(this, fleet, List.copyOf(agents.values()), clock).create(store.database());
        node = clustered ? scheduler.getSchedulerInstanceId() : holder;
        Serving up = new Serving(store, agents, scheduler, systemd);
        serving = up;
        for (ServedAgent agent : agents.values()) {
            agent.missed.recordWhileDown();
        }
        scheduler.start();
        WakeSignals signals = listenForWakes(store);
        String next = nextBeats(up);
        LOG.info("daemon started ({}{}): {}; {}", holder, clustered ? ", cluster node " + node : "", next, where);
        systemd.ready("waiting; " + next);
        ScheduledExecutorService watchdog = startWatchdog(systemd);
        stopRequested.await();
        if (signals != null) {
            signals.close();
        }
        shutdown(up, watchdog);
        return 0;
    }

    /**
     * Hears wake requests the moment another process stores them (LISTEN on PostgreSQL, a watched file beside a
     * SQLite database); null when it cannot, and then the poll takes them within {@link QuartzSetup#POLL}.
     */
    private @Nullable WakeSignals listenForWakes(Store store) {
        try {
            return store.control().listenForWakes(() -> takeWakes("signalled"));
        } catch (StoreException e) {
            LOG.warn(
                    "{}; wake requests are taken by the poll, every {} s",
                    e.getMessage(),
                    QuartzSetup.POLL.toSeconds());
            return null;
        }
    }

    /** One agent's runtime over the shared store, its metrics and traces, its schedule and missed-tick record. */
    private ServedAgent serveAgent(
            AgentConfig config, Store store, @Nullable Tracing tracing, @Nullable ObservabilityServer observability) {
        ModelRouter model = ModelRouter.of(config.model(), clock);
        List<BeatListener> listeners = new ArrayList<>();
        if (tracing != null) {
            listeners.add(tracing.listener(config.agent().name()));
        }
        if (observability != null) {
            listeners.add(observability.watch(config, store, model));
        }
        AgentRuntime runtime = AgentRuntime.sharing(store, config, clock, model, listeners);
        Schedule schedule = new Schedule(config, fleet.several());
        MissedTicks missed = new MissedTicks(runtime, config.agent().name(), schedule, clock, () -> node);
        return new ServedAgent(config, schedule, runtime, missed);
    }

    private static void closeAll(List<AgentRuntime> runtimes) {
        for (AgentRuntime runtime : runtimes) {
            try {
                runtime.close();
            } catch (RuntimeException e) {
                LOG.warn("stopping an agent's tools failed: {}", e.getMessage());
            }
        }
    }

    /** A cluster node whose clock is off the database's would fire ticks early or late and steal others' ticks. */
    private void checkClock(Store store) {
        Optional<Duration> offset = store.cluster().clockOffset();
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

    /** Each agent's next beat, in words; with one agent as before ("next beat 2026-12-02 10:00:00 +00:00"). */
    private String nextBeats(Serving up) {
        if (up.agents().size() == 1) {
            return nextBeat(up.scheduler(), up.agents().values().iterator().next());
        }
        List<String> each = new ArrayList<>();
        for (ServedAgent agent : up.agents().values()) {
            each.add(agent.name() + ": " + nextBeat(up.scheduler(), agent));
        }
        return String.join("; ", each);
    }

    private String nextBeat(Scheduler scheduler, ServedAgent agent) {
        try {
            Trigger t = scheduler.getTrigger(agent.schedule.key());
            if (t != null && t.getNextFireTime() != null) {
                return "next beat "
                        + HH_MM.format(OffsetDateTime.ofInstant(
                                t.getNextFireTime().toInstant(),
                                agent.config.agent().timezone()));
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
        if (!up.store().control().ping()) {
            return Optional.of("the store does not answer");
        }
        for (ServedAgent agent : up.agents().values()) {
            Optional<String> stuck = agent.stuck(clock.instant());
            if (stuck.isPresent()) {
                return stuck;
            }
        }
        return Optional.empty();
    }

    private void shutdown(Serving up, @Nullable ScheduledExecutorService watchdog)
            throws SchedulerException, InterruptedException {
        Scheduler scheduler = up.scheduler();
        Duration grace = shutdownGrace(fleet);
        up.systemd().stopping("stopping; a running beat gets " + grace.toSeconds() + "s to finish");
        LOG.info("stopping: no new beats; a running beat gets {}s to finish", grace.toSeconds());
        scheduler.standby();
        long deadline = System.nanoTime() + grace.toNanos();
        while (!scheduler.getCurrentlyExecutingJobs().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        if (!scheduler.getCurrentlyExecutingJobs().isEmpty()) {
            LOG.warn("a running beat did not finish within {}s; interrupting it", grace.toSeconds());
            for (ServedAgent agent : up.agents().values()) {
                scheduler.interrupt(agent.job);
            }
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
     * One beat of {@code agentName}, from the scheduler's thread, for the tick scheduled at {@code scheduledAt}.
     * The beat takes the tick's fence first: if another node or scheduler took it already, this beat does not run.
     */
    void beat(String agentName, Decision.Trigger trigger, @Nullable String wakeReason, Instant scheduledAt) {
        Serving up = serving();
        ServedAgent agent = up.agents().get(agentName);
        if (agent == null) {
            // In a cluster a node whose configuration lacks an agent another node added can be handed its tick.
            LOG.warn(
                    "a tick for agent '{}', which this daemon's configuration does not have; not running it",
                    agentName);
            return;
        }
        agent.beatStartedAt.set(clock.instant());
        String who = up.agents().size() == 1 ? "" : agentName + " ";
        try {
            if (trigger == Decision.Trigger.SCHEDULE) {
                agent.missed.recordGapBefore(scheduledAt);
            }
            up.systemd().status(who + "beating (" + trigger.wire() + "); last: " + agent.lastBeat);
            Optional<Decision> d = agent.runtime.tick(
                    new BeatOptions(trigger, false, false, wakeReason).fenced(Ids.next(clock), scheduledAt, node));
            if (d.isEmpty()) {
                LOG.warn(
                        "the tick of {}{} was taken already (by another node, or a second scheduler); not running it "
                                + "twice",
                        who,
                        scheduledAt);
                return;
            }
            agent.lastBeat = d.get().outcome().wire() + " at "
                    + DateTimeFormatter.ofPattern("HH:mm:ss")
                            .format(d.get()
                                    .finishedAt()
                                    .atZoneSameInstant(agent.config.agent().timezone()));
        } catch (RuntimeException e) {
            LOG.error("the beat of {} failed to record", agentName, e);
            agent.lastBeat = "error at " + clock.instant();
        } finally {
            agent.beatStartedAt.set(null);
            up.systemd().status(who + "last beat " + agent.lastBeat + "; " + nextBeat(up.scheduler(), agent));
        }
    }

    /**
     * The slow poll: retries each agent's due notifications, sends digests whose window opened, and takes any wake
     * request whose signal was missed (stored while the listener was reconnecting, say).
     */
    void poll() {
        Serving up = serving();
        for (ServedAgent agent : up.agents().values()) {
            try {
                agent.runtime.retryNotifications();
            } catch (RuntimeException e) {
                LOG.warn("retrying queued notifications of {} failed: {}", agent.name(), e.getMessage());
            }
        }
        takeWakes("poll");
    }

    /** Starts a beat for each agent someone asked to wake; {@code how} the request reached the daemon. */
    void takeWakes(String how) {
        Serving up = serving;
        if (up == null) {
            return;
        }
        for (ServedAgent agent : up.agents().values()) {
            Optional<Control.Wake> wake;
            try {
                wake = up.store().control().takeWake(agent.name(), holder);
            } catch (RuntimeException e) {
                LOG.warn("taking wake requests of {} failed: {}", agent.name(), e.getMessage());
                continue;
            }
            if (wake.isEmpty()) {
                continue;
            }
            String reason = wake.get().reason() == null
                    ? "(no reason given)"
                    : wake.get().reason();
            LOG.info("wake request {} for {} taken ({}): {}", wake.get().id(), agent.name(), how, reason);
            JobDataMap data = new JobDataMap();
            data.put("trigger", "manual");
            data.put("reason", reason);
            try {
                up.scheduler().triggerJob(agent.job, data);
            } catch (SchedulerException e) {
                LOG.error(
                        "cannot start the beat asked for by wake request {}: {}",
                        wake.get().id(),
                        e.getMessage());
            }
        }
    }

    /** How long running beats get to finish at a stop: the longest any agent asks for. */
    public static Duration shutdownGrace(Fleet fleet) {
        return fleet.agents().stream()
                .map(a -> a.heartbeat().shutdownGrace())
                .max(Duration::compareTo)
                .orElseThrow();
    }

    /**
     * The Quartz scheduler name every node of a cluster shares: the one agent's, as before there were several;
     * with {@code agents:} one name for the configuration's agents together (one database holds one such set).
     */
    public static String schedulerName(Fleet fleet) {
        return fleet.several()
                ? "heartbeat-agents"
                : "heartbeat-" + fleet.shared().agent().name();
    }

    /**
     * Who is running, in words ("pid 12 on web1", "2 cluster nodes: a, b"), or empty when no daemon is.
     * {@code store} may be null when there is no database yet.
     */
    public static Optional<String> running(Fleet fleet, @Nullable Store store, Instant now) {
        AgentConfig config = fleet.shared();
        if (!config.storage().postgres()) {
            return InstanceLock.holder(AgentRuntime.databaseFile(config)).filter(h -> !InstanceLock.isOnce(h));
        }
        if (store == null) {
            return Optional.empty();
        }
        List<Cluster.Node> live = store.cluster().clusterNodes(schedulerName(fleet)).stream()
                .filter(n -> n.alive(now))
                .toList();
        if (live.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(live.size() + " cluster node" + (live.size() == 1 ? "" : "s") + ": "
                + String.join(", ", live.stream().map(Cluster.Node::id).toList()));
    }
}
