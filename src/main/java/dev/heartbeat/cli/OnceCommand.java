package dev.heartbeat.cli;

import dev.heartbeat.audit.Decision;
import dev.heartbeat.beat.BeatOptions;
import dev.heartbeat.config.AgentConfig;
import dev.heartbeat.config.Fleet;
import dev.heartbeat.daemon.AgentRuntime;
import dev.heartbeat.daemon.Daemon;
import dev.heartbeat.daemon.InstanceLock;
import dev.heartbeat.daemon.Tracing;
import dev.heartbeat.model.ModelRouter;
import dev.heartbeat.store.Store;
import dev.heartbeat.store.StoreException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code once} (also {@code --once}): one heartbeat now, in the foreground. */
@Command(
        name = "once",
        mixinStandardHelpOptions = true,
        description = {
            "Run one heartbeat now, in the foreground, and print its decision.",
            "Refused while a daemon runs with the same store (ask it with 'wake' instead); a daemon that",
            "starts meanwhile waits for this beat. Exit 0 unless the beat failed (1); 2 when refused."
        })
final class OnceCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = "--dry-run",
            description = "record side-effecting tool calls (and the final notification) " + "without running them")
    boolean dryRun;

    @Option(names = "--json", description = "print the decision record as JSON")
    boolean json;

    @Option(names = "--force", description = "run even outside active hours")
    boolean force;

    @Override
    public Integer call() {
        return beatOnce(Main.root(spec), dryRun, json, force);
    }

    static int beatOnce(Main main, boolean dryRun, boolean json, boolean force) {
        Fleet fleet = main.fleet();
        AgentConfig config = main.agent(fleet);
        liveCluster(main, fleet).ifPresent(nodes -> {
            throw daemonRuns(nodes);
        });
        Decision decision;
        try (InstanceLock lock = holdStore(config);
                Tracing tracing = Tracing.fromEnvironment(main.env).orElse(null);
                AgentRuntime runtime = new AgentRuntime(
                        config,
                        main.clock,
                        ModelRouter.of(config.model(), main.clock),
                        tracing == null
                                ? List.of()
                                : List.of(tracing.listener(config.agent().name())))) {
            decision = runtime.beat(new BeatOptions(Decision.Trigger.MANUAL, dryRun, force));
        } catch (IOException e) {
            throw UserError.notFound(
                    "cannot release the lock beside " + AgentRuntime.databaseFile(config) + ": " + e.getMessage());
        }
        PrintWriter out = main.out();
        if (json) {
            Render.json(out, decision);
        } else {
            summary(out, decision);
        }
        return decision.outcome() == Decision.Outcome.FAILED ? 1 : 0;
    }

    /**
     * A SQLite store is held for the whole beat, as a daemon holds it: a daemon starting meanwhile waits
     * instead of taking this unfinished beat for a crashed one, and a second {@code --once} is refused.
     * Null with PostgreSQL, where the beat lock in the database keeps beats apart.
     */
    private static @Nullable InstanceLock holdStore(AgentConfig config) {
        if (config.storage().postgres()) {
            return null;
        }
        Path db = AgentRuntime.databaseFile(config);
        InstanceLock.Result taken;
        try {
            taken = InstanceLock.acquire(db, InstanceLock.onceHolder());
        } catch (IOException e) {
            throw UserError.notFound("cannot take the lock beside " + db + ": " + e.getMessage());
        }
        if (taken.lock().isEmpty()) {
            String owner = taken.owner();
            throw InstanceLock.isOnce(owner)
                    ? UserError.usage(owner + " is running with this store; try again when it has finished")
                    : daemonRuns(owner);
        }
        return taken.lock().get();
    }

    private static UserError daemonRuns(String who) {
        return UserError.usage("a daemon (" + who + ") is running with this store; ask it for a beat with "
                + "'heartbeat-agent wake' instead of running one beside it");
    }

    /**
     * The live nodes of a PostgreSQL cluster serving this store, if any: a beat beside them could overlap
     * theirs. (A SQLite store's daemon is found by {@link #holdStore}, which takes the same lock it holds.)
     */
    private static Optional<String> liveCluster(Main main, Fleet fleet) {
        AgentConfig config = fleet.shared();
        if (!config.storage().postgres()) {
            return Optional.empty();
        }
        try (Store store = main.readStore(config)) {
            return Daemon.running(fleet, store, main.clock.instant());
        } catch (StoreException e) {
            return Optional.empty(); // no tables yet (the beat creates them), or unreachable (the beat says so)
        }
    }

    static void summary(PrintWriter out, Decision d) {
        out.println(d.outcome().wire().toUpperCase() + (d.dryRun() ? " (dry run)" : "") + ": " + d.reason());
        if (!d.probes().isEmpty()) {
            List<String> probes = new ArrayList<>();
            d.probes().forEach(p -> probes.add(Render.probe(p)));
            out.println("  probes:   " + String.join("; ", probes));
        }
        d.gates().stream()
                .filter(g -> g.name().equals("triage") || g.name().equals("wake_gate"))
                .forEach(g -> out.printf("  %-9s %s%n", g.name().replace('_', '-') + ":", g.detail()));
        if (!d.toolCalls().isEmpty()) {
            StringBuilder tools = new StringBuilder();
            for (Decision.ToolCallRecord t : d.toolCalls()) {
                if (tools.length() > 0) {
                    tools.append(", ");
                }
                tools.append(t.name()).append(" (").append(t.outcome()).append(')');
            }
            out.println("  tools:    " + tools);
        }
        for (Decision.NotificationRecord n : d.notifications()) {
            out.println("  notified: " + n.channel() + " " + n.status()
                    + (n.detail() == null ? "" : " (" + n.detail() + ")"));
        }
        if (!d.repairs().isEmpty()) {
            out.println("  history:  " + d.repairs().size() + " problem(s) left out of the request; "
                    + "see 'decisions show " + d.id() + "'");
        }
        out.println("  tokens:   " + d.usage().inputTokens() + " in / "
                + d.usage().outputTokens() + " out, " + d.modelCalls().size() + " model call(s)");
        out.println("  time:     " + Render.duration(d.startedAt(), d.finishedAt()));
        out.println("  decision: " + d.id());
        out.flush();
    }
}
