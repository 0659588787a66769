package dev.heartbeat.cli;

import dev.heartbeat.audit.Decision;
import dev.heartbeat.audit.DecisionStats;
import dev.heartbeat.config.AgentConfig;
import dev.heartbeat.config.Durations;
import dev.heartbeat.config.Fleet;
import dev.heartbeat.daemon.AgentRuntime;
import dev.heartbeat.daemon.Daemon;
import dev.heartbeat.daemon.Schedule;
import dev.heartbeat.store.Cluster;
import dev.heartbeat.store.Control;
import dev.heartbeat.store.DecisionLog;
import dev.heartbeat.store.Store;
import dev.heartbeat.store.StoreException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code status}: is a daemon running, the last beat, the next one, today's spend. */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = {
            "Whether a daemon is running with this store, the last beat's outcome and time, when the next beat is "
                    + "due, and today's beats, tokens and cost.",
            "With PostgreSQL storage: every node of the cluster, when it last checked in, and which node ran the "
                    + "last beat."
        })
final class StatusCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "print the status as JSON")
    boolean json;

    static String budgetLeft(AgentConfig config, DecisionStats.Totals today) {
        AgentConfig.Budget b = config.budget();
        if (!b.any()) {
            return "no budget configured";
        }
        StringBuilder s = new StringBuilder("budget left today:");
        if (b.dailyTokens() != null) {
            s.append(' ')
                    .append(Math.max(0, b.dailyTokens() - today.inputTokens() - today.outputTokens()))
                    .append(" tokens");
        }
        if (b.dailyUsd() != null) {
            s.append(String.format(" $%.4f", Math.max(0, b.dailyUsd() - today.costUsd())));
        }
        return s.toString();
    }

    @Override
    public Integer call() {
        Main main = Main.root(spec);
        Fleet fleet = main.inspectionFleet();
        List<AgentConfig> agents = main.agents(fleet);
        return agents.size() == 1 ? detail(main, fleet, agents.get(0)) : table(main, fleet, agents);
    }

    /** One line per agent: paused, schedule, next beat, last beat, today. */
    private int table(Main main, Fleet fleet, List<AgentConfig> agents) {
        Instant now = main.clock.instant();
        AgentConfig shared = fleet.shared();
        List<Map<String, Object>> rows = new ArrayList<>();
        Optional<String> daemon = shared.storage().postgres() ? Optional.empty() : Daemon.running(fleet, null, now);
        Store opened = null;
        try {
            opened = AgentRuntime.database(shared).exists() ? main.readStore(shared) : null;
        } catch (StoreException e) {
            if (!e.notCreated()) {
                throw e;
            }
        }
        // Without a database yet each agent still has its schedule and next beat to show.
        try (Store s = opened) {
            if (s != null && shared.storage().postgres()) {
                daemon = Daemon.running(fleet, s, now);
            }
            for (AgentConfig config : agents) {
                rows.add(row(main, config, s, now));
            }
        }
        PrintWriter out = main.out();
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("daemon_running", daemon.isPresent());
            doc.put("daemon", daemon.orElse(null));
            doc.put("agents", rows);
            Render.json(out, doc);
            return 0;
        }
        out.printf(
                "%-10s %s%n", "daemon", daemon.map(d -> "running (" + d + ")").orElse("not running"));
        out.printf(
                "%-16s %-7s %-12s %-20s %-30s %s%n", "AGENT", "PAUSED", "SCHEDULE", "NEXT BEAT", "LAST BEAT", "TODAY");
        for (Map<String, Object> row : rows) {
            out.printf(
                    "%-16s %-7s %-12s %-20s %-30s %s%n",
                    row.get("agent"),
                    Boolean.TRUE.equals(row.get("paused")) ? "yes" : "no",
                    row.get("schedule"),
                    row.get("next_beat") == null ? "none" : Render.time((OffsetDateTime) row.get("next_beat")),
                    row.get("last_beat_line"),
                    row.get("today_line"));
        }
        out.flush();
        return 0;
    }

    private Map<String, Object> row(Main main, AgentConfig config, @Nullable Store s, Instant now) {
        Schedule schedule = new Schedule(config);
        String name = config.agent().name();
        Decision.Summary last = s == null ? null : lastDecision(s, name);
        DecisionStats.Totals today = s == null ? DecisionStats.Totals.of(List.of()) : today(main, config, s);
        boolean paused = Files.exists(config.pauseFile())
                || Files.exists(config.agentPauseFile())
                || (s != null && s.control().pause(name).isPresent());
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("agent", name);
        row.put("paused", paused);
        row.put("schedule", schedule.fires() ? cadence(config) : "off");
        row.put(
                "next_beat",
                schedule.next(now)
                        .map(i -> OffsetDateTime.ofInstant(i, config.agent().timezone()))
                        .orElse(null));
        if (last != null) {
            Map<String, Object> beat = new LinkedHashMap<>();
            beat.put("id", last.id());
            beat.put("started_at", last.startedAt());
            beat.put("outcome", last.outcome().wire());
            beat.put("reason", last.reason());
            row.put("last_beat", beat);
        }
        row.put(
                "last_beat_line",
                last == null
                        ? "none yet"
                        : Render.time(last.startedAt()) + " " + last.outcome().wire());
        row.put("today", todayJson(config, today));
        row.put(
                "today_line",
                today.beats() + " beat(s), " + (today.inputTokens() + today.outputTokens()) + " tokens"
                        + (today.costKnown() ? String.format(", $%.4f", today.costUsd()) : "")
                        + (config.budget().any() ? "; " + budgetLeft(config, today) : ""));
        return row;
    }

    /** Today's beats, tokens, cost and budget left, as {@code status --json} gives them. */
    private static Map<String, Object> todayJson(AgentConfig config, DecisionStats.Totals today) {
        Map<String, Object> day = new LinkedHashMap<>();
        day.put("beats", today.beats());
        day.put("input_tokens", today.inputTokens());
        day.put("output_tokens", today.outputTokens());
        day.put("cost_usd", today.costKnown() ? today.costUsd() : null);
        day.put("budget", config.budget().any() ? budgetLeft(config, today) : null);
        return day;
    }

    private static Decision.@Nullable Summary lastDecision(Store s, String agent) {
        return s.decisionLog().listed(agent, null, null, 1).stream()
                .map(DecisionLog.Listed::summary)
                .filter(Objects::nonNull)
                .findFirst()
                .orElse(null);
    }

    private static DecisionStats.Totals today(Main main, AgentConfig config, Store s) {
        return DecisionStats.Totals.of(s.decisionLog().counted(config.agent().name(), config.startOfToday(main.clock)));
    }

    private static String cadence(AgentConfig config) {
        return config.heartbeat().cron() != null
                ? "cron " + config.heartbeat().cron()
                : "every " + Durations.format(config.heartbeat().every());
    }

    /** The one agent's status in full: the daemon, its cluster, pause, schedule, last beat, today, the outbox. */
    private int detail(Main main, Fleet fleet, AgentConfig config) {
        Schedule schedule = new Schedule(config);
        Instant now = main.clock.instant();
        List<Instant> nextBeats = schedule.next(now, 3);
        Optional<Instant> next = nextBeats.stream().findFirst();
        Decision.Summary last = null;
        DecisionStats.Totals today = DecisionStats.Totals.of(List.of());
        boolean store = AgentRuntime.database(config).exists();
        Optional<String> daemon = Optional.empty();
        List<Cluster.Node> nodes = List.of();
        Optional<Cluster.Fence> lastTick = Optional.empty();
        Optional<Control.Pause> sharedPause = Optional.empty();
        Map<String, Long> outbox = Map.of("pending", 0L, "dead", 0L);
        if (!config.storage().postgres()) {
            daemon = Daemon.running(fleet, null, now);
        }
        if (store) {
            try (Store s = main.readStore(config)) {
                if (config.storage().postgres()) {
                    daemon = Daemon.running(fleet, s, now);
                    nodes = s.cluster().clusterNodes(Daemon.schedulerName(fleet));
                }
                lastTick = s.cluster().lastFence(config.agent().name());
                sharedPause = s.control().pause(config.agent().name());
                outbox = s.outbox().outboxCounts(config.agent().name());
                last = lastDecision(s, config.agent().name());
                today = today(main, config, s);
            } catch (StoreException e) {
                if (!e.notCreated()) {
                    throw e;
                }
                store = false;
            }
        }
        String cadence = cadence(config);
        PrintWriter out = main.out();
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("agent", config.agent().name());
            doc.put("daemon_running", daemon.isPresent());
            doc.put("daemon", daemon.orElse(null));
            doc.put(
                    "paused",
                    Files.exists(config.pauseFile())
                            || Files.exists(config.agentPauseFile())
                            || sharedPause.isPresent());
            doc.put("schedule", schedule.fires() ? cadence : "off");
            doc.put(
                    "next_beat",
                    next.map(i -> OffsetDateTime.ofInstant(i, config.agent().timezone()))
                            .orElse(null));
            doc.put(
                    "next_beats",
                    nextBeats.stream()
                            .map(i -> OffsetDateTime.ofInstant(i, config.agent().timezone()))
                            .toList());
            if (last != null) {
                Map<String, Object> beat = new LinkedHashMap<>();
                beat.put("id", last.id());
                beat.put("started_at", last.startedAt());
                beat.put("trigger", last.trigger().wire());
                beat.put("outcome", last.outcome().wire());
                beat.put("reason", last.reason());
                beat.put("node", last.node());
                doc.put("last_beat", beat);
            }
            if (config.storage().postgres()) {
                Map<String, Object> cluster = new LinkedHashMap<>();
                cluster.put("database", config.storage().url());
                cluster.put(
                        "nodes",
                        nodes.stream()
                                .map(n -> {
                                    Map<String, Object> node = new LinkedHashMap<>();
                                    node.put("id", n.id());
                                    node.put(
                                            "last_checkin",
                                            OffsetDateTime.ofInstant(
                                                    n.lastCheckin(),
                                                    config.agent().timezone()));
                                    node.put(
                                            "checkin_interval_ms",
                                            n.checkinInterval().toMillis());
                                    node.put("alive", n.alive(now));
                                    return node;
                                })
                                .toList());
                cluster.put(
                        "last_tick",
                        lastTick.map(f -> {
                                    Map<String, Object> tick = new LinkedHashMap<>();
                                    tick.put(
                                            "scheduled_at",
                                            OffsetDateTime.ofInstant(
                                                    f.scheduledAt(),
                                                    config.agent().timezone()));
                                    tick.put("beat_id", f.beatId());
                                    tick.put("node", f.node());
                                    return tick;
                                })
                                .orElse(null));
                doc.put("cluster", cluster);
            }
            doc.put("today", todayJson(config, today));
            doc.put(
                    "notifications",
                    Map.of("pending_retry", outbox.get("pending"), "dead_letters", outbox.get("dead")));
            Render.json(out, doc);
            return 0;
        }
        out.printf("%-10s %s%n", "agent", config.agent().name());
        out.printf(
                "%-10s %s%n", "daemon", daemon.map(d -> "running (" + d + ")").orElse("not running"));
        Optional<Cluster.Fence> tick = lastTick;
        Optional<String> running = daemon;
        if (config.storage().postgres()) {
            out.printf("%-10s %s%n", "database", config.storage().url());
            for (Cluster.Node n : nodes) {
                long ago = Math.max(0, Duration.between(n.lastCheckin(), now).toMillis());
                out.printf(
                        "%-10s %s  checked in %.1f s ago%s%s%n",
                        "node",
                        n.id(),
                        ago / 1000.0,
                        n.alive(now) ? "" : " (silent: taken for dead)",
                        tick.filter(f -> f.node().equals(n.id())).isPresent() ? "  ran the last beat" : "");
            }
            if (nodes.isEmpty()) {
                out.printf("%-10s %s%n", "node", "none has joined the cluster");
            }
        }
        if (Files.exists(config.pauseFile()) || Files.exists(config.agentPauseFile()) || sharedPause.isPresent()) {
            out.printf(
                    "%-10s %s%n",
                    "PAUSED",
                    "beats are skipped until 'heartbeat-agent resume'"
                            + sharedPause
                                    .map(p -> " (on every node, since "
                                            + Render.time(OffsetDateTime.ofInstant(
                                                    p.since(), config.agent().timezone()))
                                            + (p.reason() == null ? "" : ": " + p.reason()) + ")")
                                    .orElse(""));
        }
        out.printf(
                "%-10s %s%n",
                "schedule",
                schedule.fires()
                        ? cadence
                                + config.heartbeat()
                                        .window()
                                        .map(w -> ", active " + w.start() + "-" + w.end() + " " + w.timezone())
                                        .orElse("")
                        : "off");
        out.printf(
                "%-10s %s%n",
                "next beats",
                nextBeats.isEmpty()
                        ? "none"
                        : String.join(
                                        ", ",
                                        nextBeats.stream()
                                                .map(i -> Render.time(OffsetDateTime.ofInstant(
                                                        i, config.agent().timezone())))
                                                .toList())
                                + (running.isEmpty() ? " (once a daemon runs)" : ""));
        out.printf(
                "%-10s %s%n",
                "last beat",
                last == null
                        ? (store ? "none yet" : "none yet (no database)")
                        : Render.time(last.startedAt()) + " " + last.trigger().wire() + " "
                                + last.outcome().wire() + ": "
                                + Render.fold(last.reason(), 90) + " (" + last.id()
                                + (last.node() == null ? "" : ", on " + last.node())
                                + ")");
        if (outbox.getOrDefault("pending", 0L) > 0 || outbox.getOrDefault("dead", 0L) > 0) {
            out.printf(
                    "%-10s %s%n",
                    "webhooks",
                    outbox.get("pending") + " waiting for a retry, " + outbox.get("dead")
                            + " given up on (dead letters; see the decisions that queued them)");
        }
        out.printf(
                "%-10s %s%n",
                "today",
                today.beats() + " beat(s) (" + DecisionsStats.outcomes(today.byOutcome()) + "), "
                        + today.inputTokens() + "/" + today.outputTokens() + " tokens"
                        + (today.costKnown() ? String.format(", $%.4f", today.costUsd()) : "") + "; "
                        + budgetLeft(config, today));
        out.flush();
        return 0;
    }
}
