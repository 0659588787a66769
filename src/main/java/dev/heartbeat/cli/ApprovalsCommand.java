package dev.heartbeat.cli;

import dev.heartbeat.config.AgentConfig;
import dev.heartbeat.store.ApprovalStatus;
import dev.heartbeat.store.Approvals;
import dev.heartbeat.store.Store;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code approvals}: tool calls that wait for a person.
 *
 * <p>Its subcommands are named in {@link Commands#subcommands}: the command line builds only the one it runs.
 */
@Command(
        name = "approvals",
        mixinStandardHelpOptions = true,
        description = "Decide tool calls that wait for a person (tools.approvals in agent.yaml). An approved call "
                + "runs at the next beat, which tells the model the outcome; requests expire unanswered.")
final class ApprovalsCommand {

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "Open requests (pending, or decided and " + "not yet acted on), newest first.")
    static final class ListApprovals implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--all", description = "include closed and expired requests")
        boolean all;

        @Option(names = "--json", description = "print a JSON array")
        boolean json;

        @Override
        public Integer call() {
            Main main = Main.root(spec);
            AgentConfig config = main.inspectionConfig();
            List<Approvals.Approval> approvals;
            try (Store store = main.readStore(config)) {
                approvals = store.approvals().list(config.agent().name(), all);
            }
            PrintWriter out = main.out();
            if (json) {
                Render.json(out, approvals);
                return 0;
            }
            if (approvals.isEmpty()) {
                out.println("No open approval requests.");
                out.flush();
                return 0;
            }
            List<List<String>> rows = new ArrayList<>();
            for (Approvals.Approval a : approvals) {
                rows.add(List.of(
                        a.id(),
                        a.status().wire(),
                        Render.time(a.createdAt()),
                        a.tool(),
                        Render.fold(a.arguments(), 60) + " - " + Render.fold(a.why(), 80)));
            }
            Render.table(out, List.of("ID", "STATUS", "ASKED", "TOOL", "ARGUMENTS - WHY"), rows);
            out.println("decide with: heartbeat-agent approvals approve ID   (or: deny ID --reason TEXT)");
            out.flush();
            return 0;
        }
    }

    abstract static class Decide implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "ID", description = "the request (a unique prefix is enough)")
        String id;

        abstract boolean approve();

        abstract @Nullable String note();

        @Override
        public Integer call() {
            Main main = Main.root(spec);
            AgentConfig config = main.inspectionConfig();
            try (Store store = main.writeStore(config)) {
                List<Approvals.Approval> matches = store
                        .approvals()
                        .list(config.agent().name(), true)
                        .stream()
                        .filter(a -> a.id().startsWith(id))
                        .toList();
                if (matches.size() != 1) {
                    throw UserError.notFound(
                            matches.isEmpty()
                                    ? "no approval request '" + id + "'; 'approvals list' " + "shows them"
                                    : "'" + id + "' matches " + matches.size() + " requests; give more of the id");
                }
                Approvals.Approval a = matches.get(0);
                if (a.status() != ApprovalStatus.PENDING) {
                    throw UserError.notFound(
                            "request " + a.id() + " is " + a.status() + ", not pending; nothing to decide");
                }
                String by = System.getProperty("user.name", "operator");
                if (!store.approvals().decideApproval(a.id(), approve(), by, note())) {
                    throw UserError.notFound("request " + a.id() + " expired or was decided meanwhile");
                }
                main.out()
                        .println((approve() ? "approved " : "denied ") + a.id() + " (" + a.tool() + "); the next beat "
                                + (approve() ? "runs it and tells the agent" : "tells the agent"));
                main.out().flush();
            }
            return 0;
        }
    }

    @Command(name = "approve", mixinStandardHelpOptions = true, description = "Approve a pending request.")
    static final class Approve extends Decide {
        @Override
        boolean approve() {
            return true;
        }

        @Override
        @Nullable
        String note() {
            return null;
        }
    }

    @Command(name = "deny", mixinStandardHelpOptions = true, description = "Deny a pending request.")
    static final class Deny extends Decide {
        @Option(names = "--reason", paramLabel = "TEXT", description = "why, told to the agent")
        String reason;

        @Override
        boolean approve() {
            return false;
        }

        @Override
        String note() {
            return reason;
        }
    }
}
