package dev.heartbeat.tools.mcp;

import dev.heartbeat.config.McpConfig;
import dev.heartbeat.tools.Tool;
import dev.heartbeat.tools.ToolSource;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The MCP servers of {@code mcp.servers} as one tool source. Nothing starts until a beat asks for its tools,
 * so a beat that is skipped (paused, outside active hours) never starts a server.
 */
public final class McpServers implements ToolSource {
    private final List<McpServer> servers = new ArrayList<>();

    /** {@code baseDir}: where a stdio server runs and its relative program path resolves (the config's folder). */
    public McpServers(McpConfig config, Path baseDir, Clock clock) {
        for (Map.Entry<String, McpConfig.Server> e : config.servers().entrySet()) {
            servers.add(new McpServer(e.getKey(), e.getValue(), baseDir, clock));
        }
    }

    @Override
    public String name() {
        return "mcp";
    }

    @Override
    public List<Tool> tools() {
        List<Tool> all = new ArrayList<>();
        servers.forEach(s -> all.addAll(s.tools()));
        return all;
    }

    @Override
    public List<String> unavailable() {
        List<String> out = new ArrayList<>();
        // Not the reason: it may quote the server (an error it sent), and this text is the prompt's, not data.
        for (McpServer s : servers) {
            if (!s.status().up()) {
                out.add("MCP server " + s.name() + " is unavailable, so its tools (" + s.name() + "__*) cannot be "
                        + "called this beat. Go on with the other tools; say so if the checklist needs them.");
            }
        }
        return out;
    }

    /** Each server's state, for {@code tools list}: up or down and why, restarts, tools not offered. */
    public List<ServerStatus> status() {
        return servers.stream().map(McpServer::status).toList();
    }

    /** A server's state: {@code down} says why it is not up, {@code retryAt} when it is started again. */
    public record ServerStatus(
            String server,
            String transport,
            boolean up,
            @Nullable String down,
            int restarts,
            @Nullable Instant retryAt,
            List<String> notOffered) {}

    @Override
    public void close() {
        servers.forEach(McpServer::close);
    }
}
