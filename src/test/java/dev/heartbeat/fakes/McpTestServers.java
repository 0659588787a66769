package dev.heartbeat.fakes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The reference MCP servers from npm (pinned in src/test/mcp, installed by {@code npm ci}) and the hostile one
 * beside them, as the {@code command:} of an agent.yaml server. Tests that need them skip without Node or the
 * packages, or fail under {@link Requires#STRICT}.
 */
public final class McpTestServers {
    public static final Path DIR = Path.of("src/test/mcp").toAbsolutePath();

    private McpTestServers() {}

    private static Path installed(String file) {
        Requires.program("node", "apt-get install nodejs npm");
        Path path = DIR.resolve(file);
        if (!Files.isRegularFile(path)) {
            Requires.missing("the MCP test servers are not installed (npm ci --prefix src/test/mcp)");
        }
        return path;
    }

    /** {@code @modelcontextprotocol/server-everything} over stdio. */
    public static List<String> everything() {
        return List.of(
                "node",
                installed("node_modules/@modelcontextprotocol/server-everything/dist/index.js")
                        .toString(),
                "stdio");
    }

    /** {@code @modelcontextprotocol/server-everything} serving HTTP ({@code streamableHttp} or {@code sse}) on $PORT. */
    public static List<String> everythingHttp(String mode) {
        return List.of(
                "node",
                installed("node_modules/@modelcontextprotocol/server-everything/dist/index.js")
                        .toString(),
                mode);
    }

    /** {@code @modelcontextprotocol/server-filesystem} confined to {@code root}. */
    public static List<String> filesystem(Path root) {
        return List.of(
                "node",
                installed("node_modules/@modelcontextprotocol/server-filesystem/dist/index.js")
                        .toString(),
                root.toString());
    }

    /** The hostile server of src/test/mcp/hostile.mjs. */
    public static List<String> hostile() {
        installed("node_modules/@modelcontextprotocol/sdk/package.json");
        return List.of("node", DIR.resolve("hostile.mjs").toString());
    }

    /** A command as a YAML flow list. */
    public static String yaml(List<String> command) {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < command.size(); i++) {
            out.append(i == 0 ? "" : ", ").append('"').append(command.get(i)).append('"');
        }
        return out.append(']').toString();
    }

    /** The processes this JVM started that still run one of the test servers. */
    public static List<ProcessHandle> running() {
        return ProcessHandle.current()
                .descendants()
                .filter(h -> h.info().commandLine().orElse("").contains(DIR.toString()))
                .toList();
    }
}
