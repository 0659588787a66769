package dev.heartbeat.config;

import dev.heartbeat.support.Cidr;
import java.util.List;
import java.util.Set;

/** The tools section: allowlists, bounds, approvals. */
final class ToolsSection extends Section {
    ToolsSection(Input in) {
        super(in);
    }

    void tools() {
        ToolsConfig t = config.tools();
        if (t.files().maxBytes() < 1) {
            throw parse.error("/tools/files/max-bytes", "must be at least 1");
        }
        if (t.httpGet().maxBytes() < 1) {
            throw parse.error("/tools/http_get/max-bytes", "must be at least 1");
        }
        positive("/tools/http_get/timeout", t.httpGet().timeout());
        for (int i = 0; i < t.httpGet().allowHosts().size(); i++) {
            String host = t.httpGet().allowHosts().get(i);
            if (host == null || host.isBlank() || host.contains("/") || host.contains(":")) {
                throw parse.error(
                        "/tools/http_get/allow-hosts/" + i,
                        "write a host name such as " + "status.example.com (no scheme, port or path)");
            }
        }
        for (int i = 0; i < t.httpGet().allowPrivate().size(); i++) {
            String entry = t.httpGet().allowPrivate().get(i);
            if (entry == null || !Cidr.isAddressOrCidr(entry)) {
                throw parse.error(
                        "/tools/http_get/allow-private/" + i,
                        "write an IP address or a CIDR range, " + "such as 127.0.0.1 or 10.0.0.0/8");
            }
        }
        Set<String> names = Set.of(
                "read_file",
                "list_files",
                "write_file",
                "append_note",
                "http_get",
                "notify",
                "get_state",
                "set_state",
                "run_command");
        for (String list : List.of("required", "consequential")) {
            List<String> tools = list.equals("required")
                    ? t.approvals().required()
                    : t.approvals().consequential();
            for (int i = 0; i < tools.size(); i++) {
                if (!names.contains(tools.get(i)) && !mcpTool(String.valueOf(tools.get(i)))) {
                    String hint = ConfigLoader.didYouMean(String.valueOf(tools.get(i)), names);
                    throw parse.error(
                            "/tools/approvals/" + list + "/" + i,
                            "'" + tools.get(i) + "' is not a tool (an MCP server's tools are named SERVER__TOOL or "
                                    + "SERVER__*, for a server under mcp.servers)." + hint);
                }
            }
        }
        positive("/tools/approvals/expire-after", t.approvals().expireAfter());
        positive("/tools/run_command/timeout", t.runCommand().timeout());
        if (t.runCommand().maxOutputBytes() < 1) {
            throw parse.error("/tools/run_command/max-output-bytes", "must be at least 1");
        }
        for (int i = 0; i < t.runCommand().allow().size(); i++) {
            String program = t.runCommand().allow().get(i);
            if (program == null || program.isBlank() || program.contains(" ")) {
                throw parse.error(
                        "/tools/run_command/allow/" + i,
                        "list program names or paths, one per entry, " + "without arguments");
            }
        }
    }

    /** {@code SERVER__TOOL} or {@code SERVER__*} for a server the mcp section names (its tools are listed at run time). */
    private boolean mcpTool(String name) {
        int split = name.indexOf(McpConfig.SEPARATOR);
        return split > 0
                && split + McpConfig.SEPARATOR.length() < name.length()
                && config.mcp().servers().containsKey(name.substring(0, split));
    }
}
