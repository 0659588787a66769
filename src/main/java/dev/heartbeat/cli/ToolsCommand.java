package dev.heartbeat.cli;

import dev.heartbeat.config.AgentConfig;
import dev.heartbeat.daemon.AgentRuntime;
import dev.heartbeat.notify.Notifier;
import dev.heartbeat.store.Store;
import dev.heartbeat.tools.BuiltinTools;
import dev.heartbeat.tools.Tool;
import dev.heartbeat.tools.ToolPolicy;
import dev.heartbeat.tools.Workspace;
import dev.heartbeat.tools.mcp.McpServers;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tools}: what the model may call, and from where.
 *
 * <p>Its subcommands are named in {@link Commands#subcommands}: the command line builds only the one it runs.
 */
@Command(
        name = "tools",
        mixinStandardHelpOptions = true,
        description = "The tools the model sees: the built-ins and each MCP server's (mcp.servers in agent.yaml).")
final class ToolsCommand {
    private ToolsCommand() {}

    /** One tool as listed: where it comes from and what policy applies. */
    record Listed(
            String name,
            String source,
            @Nullable String server,
            @Nullable String serverTool,
            boolean sideEffecting,
            ToolPolicy.Approval approval,
            boolean untrustedOutput,
            boolean taintsBeat,
            String description) {}

    /** What {@code tools list --json} prints. */
    record Listing(List<Listed> tools, List<McpServers.ServerStatus> servers) {}

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "Every tool the model would see at the next beat, with its source (built-in or an MCP "
                    + "server, started for the listing and stopped after), read-only or side-effecting, and the "
                    + "policy that applies; then each server, up or down and why. Exit 1 when a server is down.")
    static final class ListTools implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--json", description = "print one JSON document")
        boolean json;

        @Override
        public Integer call() {
            Main main = Main.root(spec);
            AgentConfig config = main.inspectionConfig();
            List<Tool> tools = new ArrayList<>();
            List<McpServers.ServerStatus> servers;
            // The built-ins hold the store for when they run; listing them reads nothing from it.
            try (Store store =
                            AgentRuntime.database(config).exists() ? main.readStore(config) : main.writeStore(config);
                    McpServers mcp = new McpServers(config.mcp(), config.baseDir(), main.clock)) {
                tools.addAll(new BuiltinTools(
                                config,
                                new Workspace(config.workspace()),
                                store,
                                new Notifier(config, main.clock, store),
                                main.clock)
                        .tools());
                tools.addAll(mcp.tools());
                servers = mcp.status();
            }
            List<Listed> listed = new ArrayList<>();
            for (Tool tool : tools) {
                ToolPolicy policy = ToolPolicy.of(tool, config.tools().approvals());
                String server = tool.server().orElse(null);
                listed.add(new Listed(
                        tool.name(),
                        server == null ? "built-in" : "mcp:" + server,
                        server,
                        server == null ? null : tool.name().substring(server.length() + 2),
                        tool.sideEffecting(),
                        policy.approval(),
                        policy.untrustedOutput(),
                        policy.taintsBeat(),
                        tool.specification().description() == null
                                ? ""
                                : tool.specification().description()));
            }
            boolean allUp = servers.stream().allMatch(McpServers.ServerStatus::up);
            PrintWriter out = main.out();
            if (json) {
                Render.json(out, new Listing(listed, servers));
                return allUp ? 0 : 1;
            }
            List<List<String>> rows = new ArrayList<>();
            for (Listed t : listed) {
                rows.add(List.of(t.name(), t.source(), t.sideEffecting() ? "side-effecting" : "read-only", policy(t)));
            }
            Render.table(out, List.of("TOOL", "SOURCE", "KIND", "POLICY"), rows);
            for (McpServers.ServerStatus s : servers) {
                out.println();
                out.println("MCP server " + s.server() + " (" + s.transport() + "): "
                        + (s.up() ? "up" : "DOWN: " + s.down()));
                s.notOffered().forEach(n -> out.println("  not offered: " + n));
            }
            out.flush();
            return allUp ? 0 : 1;
        }

        private static String policy(Listed t) {
            List<String> parts = new ArrayList<>();
            switch (t.approval()) {
                case ALWAYS -> parts.add("approval always");
                case AFTER_UNTRUSTED -> parts.add("approval after untrusted input");
                case NEVER -> {}
            }
            if (t.sideEffecting()) {
                parts.add("intent first; held by --dry-run");
            }
            if (t.untrustedOutput()) {
                parts.add(t.taintsBeat() ? "untrusted output, taints the beat" : "untrusted output");
            }
            return parts.isEmpty() ? "-" : String.join("; ", parts);
        }
    }
}
