package dev.heartbeat.daemon;

import dev.heartbeat.config.AgentConfig;
import dev.heartbeat.config.Fleet;
import dev.heartbeat.store.Database;
import dev.heartbeat.store.PostgresDatabase;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.ObjectAlreadyExistsException;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.impl.matchers.KeyMatcher;
import org.quartz.utils.DBConnectionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Quartz as the daemon uses it: in memory beside a SQLite store, the clustered JDBC store on PostgreSQL;
 * the heartbeat trigger installed once per cluster, misfires counted by {@link MissedTicks}, and a one-second
 * job that takes wake requests from the store.
 */
final class QuartzSetup {
    /**
     * How often the daemon retries the outbox, sends opened digests and looks for a wake request whose signal it
     * missed: wakes themselves arrive as signals, and the outbox's first retry is 10 s after a failure.
     */
    static final Duration POLL = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

    private final Daemon daemon;
    private final Fleet fleet;
    private final List<ServedAgent> agents;
    private final Clock clock;

    QuartzSetup(Daemon daemon, Fleet fleet, List<ServedAgent> agents, Clock clock) {
        this.daemon = daemon;
        this.fleet = fleet;
        this.agents = List.copyOf(agents);
        this.clock = clock;
    }

    /** The daemon's scheduler: its job store, each agent's job, trigger and misfire listener, the wake poll. */
    Scheduler create(Database database) throws SchedulerException {
        Properties props = new Properties();
        // Every node of one cluster shares the scheduler name; instance ids tell the nodes apart.
        props.setProperty("org.quartz.scheduler.instanceName", schedulerName());
        props.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        props.setProperty("org.quartz.scheduler.makeSchedulerThreadDaemon", "true");
        // A thread for each agent's beat and one for the wake poll: an agent whose beat hangs on its provider
        // holds its own thread only, never the one another agent's tick needs.
        props.setProperty("org.quartz.threadPool.threadCount", Integer.toString(agents.size() + 1));
        props.setProperty("org.quartz.threadPool.makeThreadsDaemons", "true");
        props.putAll(jobStore(database));
        Scheduler s = new StdSchedulerFactory(props).getScheduler();
        s.setJobFactory((bundle, sched) -> bundle.getJobDetail().getJobClass() == HeartbeatJob.class
                ? new HeartbeatJob(daemon)
                : new WakePollJob(daemon));
        for (ServedAgent agent : agents) {
            schedule(s, agent);
        }
        // The one agent of a file of today keeps the poll's key it had; several agents share one poll.
        String pollGroup =
                fleet.several() ? "heartbeat-agents" : fleet.shared().agent().name();
        JobDetail poll = JobBuilder.newJob(WakePollJob.class)
                .withIdentity("wake-poll", pollGroup)
                .storeDurably()
                .build();
        s.scheduleJob(
                poll,
                Set.of(TriggerBuilder.newTrigger()
                        .withIdentity("wake-poll", pollGroup)
                        .withSchedule(SimpleScheduleBuilder.repeatSecondlyForever((int) POLL.toSeconds())
                                .withMisfireHandlingInstructionNextWithRemainingCount())
                        .startNow()
                        .build()),
                true);
        return s;
    }

    private void schedule(Scheduler s, ServedAgent agent) throws SchedulerException {
        Schedule schedule = agent.schedule;
        JobDetail heartbeat = JobBuilder.newJob(HeartbeatJob.class)
                .withIdentity(agent.job)
                .storeDurably()
                .build();
        s.addJob(heartbeat, true);
        s.getListenerManager().addTriggerListener(agent.missed, KeyMatcher.keyEquals(schedule.key()));
        if (schedule.fires()) {
            Optional<ActiveHoursCalendar> calendar = schedule.calendar();
            if (calendar.isPresent()) {
                s.addCalendar(schedule.calendarName(), calendar.get(), true, true);
            }
            installTrigger(
                    s,
                    schedule,
                    schedule.trigger(clock.instant())
                            .getTriggerBuilder()
                            .forJob(heartbeat)
                            .build());
        } else {
            s.unscheduleJob(schedule.key());
            LOG.warn(
                    "the heartbeat schedule of {} never fires ({}); it only answers 'wake'",
                    agent.name(),
                    whyNoSchedule(agent.config));
        }
    }

    /**
     * Schedules the heartbeat trigger unless an identical one is stored already: in a cluster the nodes
     * that join later keep the running trigger (and its next fire time) instead of resetting it.
     */
    private void installTrigger(Scheduler s, Schedule schedule, Trigger trigger) throws SchedulerException {
        Trigger existing = s.getTrigger(trigger.getKey());
        if (existing != null
                && schedule.signature().equals(existing.getJobDataMap().getString(Schedule.SIGNATURE))) {
            return;
        }
        try {
            if (existing == null) {
                s.scheduleJob(trigger);
            } else {
                LOG.info(
                        "the heartbeat schedule of {} changed to {}; rescheduling",
                        trigger.getKey().getGroup(),
                        schedule.signature());
                s.rescheduleJob(trigger.getKey(), trigger);
            }
        } catch (ObjectAlreadyExistsException e) {
            LOG.debug("another node scheduled the heartbeat first");
        }
    }

    /**
     * The job store: in memory for a SQLite store; Quartz's clustered JDBC store on PostgreSQL, its
     * connections from our own HikariCP pool and its tables created by our migrations. Misfires are
     * detected after half a period, so a late tick is skipped instead of run in a burst of catch-ups.
     */
    private Properties jobStore(Database database) {
        Properties props = new Properties();
        // The shortest schedule's threshold: Quartz has one for the whole scheduler.
        long threshold = agents.stream()
                .mapToLong(a -> a.schedule.misfireThreshold().toMillis())
                .min()
                .orElse(60_000);
        props.setProperty("org.quartz.jobStore.misfireThreshold", Long.toString(threshold));
        if (!(database instanceof PostgresDatabase pg)) {
            props.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
            return props;
        }
        String source = schedulerName();
        DBConnectionManager.getInstance().addConnectionProvider(source, new QuartzConnections(pg));
        props.setProperty("org.quartz.scheduler.instanceId", "AUTO");
        props.setProperty("org.quartz.jobStore.class", ClusteredJobStore.class.getName());
        props.setProperty("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
        props.setProperty("org.quartz.jobStore.dataSource", source);
        props.setProperty("org.quartz.jobStore.tablePrefix", "QRTZ_");
        props.setProperty("org.quartz.jobStore.isClustered", "true");
        props.setProperty(
                "org.quartz.jobStore.clusterCheckinInterval",
                Long.toString(fleet.shared().storage().checkinInterval().toMillis()));
        return props;
    }

    private static String whyNoSchedule(AgentConfig config) {
        AgentConfig.Heartbeat h = config.heartbeat();
        if (!h.enabled()) {
            return "heartbeat.enabled is false";
        }
        if (h.cron() == null && h.every().isZero()) {
            return "heartbeat.every is 0";
        }
        return "heartbeat.active-hours start equals end";
    }

    private String schedulerName() {
        return Daemon.schedulerName(fleet);
    }
}
