package dev.heartbeat.config;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The mcp section: each server reached one way, with a name that fits the tool names built from it. */
final class McpSection extends Section {
    /** A server name: letters, digits, '-' and '_' but not the separator, so a tool name splits one way. */
    private static final Pattern SERVER_NAME = Pattern.compile("[a-zA-Z0-9-]+(_[a-zA-Z0-9-]+)*");

    McpSection(Input in) {
        super(in);
    }

    void servers() {
        for (Map.Entry<String, McpConfig.Server> e : config.mcp().servers().entrySet()) {
            String name = e.getKey();
            String at = "/mcp/servers/" + name;
            McpConfig.Server server = e.getValue();
            if (!SERVER_NAME.matcher(name).matches()) {
                throw parse.error(
                        at,
                        "'" + name + "' cannot name an MCP server: use letters, digits, '-' and single '_' (its tools"
                                + " reach the model as " + name + "__TOOL, and providers accept only [a-zA-Z0-9_-])");
            }
            if (name.length() + McpConfig.SEPARATOR.length() >= 64) {
                throw parse.error(
                        at,
                        "'" + name + "' is too long: a tool name the model sees (" + name
                                + "__TOOL) may have at most 64 characters");
            }
            if (server == null) {
                throw parse.error(at, "give the server a command: [program, args...] or a url: https://...");
            }
            List<String> command = server.command();
            if ((command == null) == (server.url() == null)) {
                throw parse.error(
                        at, "give the server either a command: [program, args...] (stdio) or a url: (HTTP), not both");
            }
            if (command != null) {
                if (command.isEmpty() || command.stream().anyMatch(a -> a == null)) {
                    throw parse.error(at + "/command", "list the program and its arguments, such as [npx, -y, pkg]");
                }
                if (server.transport() != null && server.transport() != McpConfig.Transport.STDIO) {
                    throw parse.error(at + "/transport", "a server started with a command speaks stdio");
                }
                if (!server.headers().isEmpty()) {
                    throw parse.error(at + "/headers", "headers go with a url; a command's server gets env: instead");
                }
            } else {
                httpUrl(at + "/url", String.valueOf(server.url()));
                if (server.transport() == McpConfig.Transport.STDIO) {
                    throw parse.error(at + "/transport", "a server at a url speaks streamable-http or sse");
                }
                if (!server.env().isEmpty()) {
                    throw parse.error(at + "/env", "env goes with a command; a url's server gets headers: instead");
                }
            }
            positive(at + "/timeout", server.timeout());
            positive(at + "/start-timeout", server.startTimeout());
        }
    }
}
