package dev.heartbeat.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mcp section: bound with defaults, and every mistake named with its key and line. */
class McpConfigTest {
    private static final String MODEL = "model:\n  name: x\n  api-key: k123456\n";

    @TempDir
    Path dir;

    private AgentConfig load(String yaml) throws Exception {
        Path file = dir.resolve("agent.yaml");
        Files.writeString(file, MODEL + yaml);
        return new ConfigLoader(Map.of("TICKETS_TOKEN", "tok-abcdef-123456")).read(file);
    }

    private ConfigException error(String yaml) {
        return (ConfigException) org.assertj.core.api.Assertions.catchThrowable(() -> load(yaml));
    }

    @Test
    void theIssuesExampleLoadsWithItsDefaults() throws Exception {
        AgentConfig c = load("mcp:\n  servers:\n    files:\n"
                + "      command: [npx, -y, \"@modelcontextprotocol/server-filesystem\", ./sessions/workspace]\n"
                + "      env: { LOG_LEVEL: warn }\n"
                + "      tools: { allow: [\"*\"], deny: [write_file] }\n"
                + "      side-effecting: auto\n"
                + "      timeout: 30s\n"
                + "    tickets:\n"
                + "      url: https://mcp.example.com/mcp\n"
                + "      headers: { Authorization: \"Bearer ${TICKETS_TOKEN}\" }\n"
                + "      side-effecting: [create_ticket]\n");

        McpConfig.Server files = c.mcp().servers().get("files");
        assertThat(files.resolvedTransport()).isEqualTo(McpConfig.Transport.STDIO);
        assertThat(files.tools().offers("read_file")).isTrue();
        assertThat(files.tools().offers("write_file")).isFalse();
        assertThat(files.sideEffecting().sideEffecting("read_file", true)).isFalse();
        assertThat(files.sideEffecting().sideEffecting("write_file", false)).isTrue();
        McpConfig.Server tickets = c.mcp().servers().get("tickets");
        assertThat(tickets.resolvedTransport()).isEqualTo(McpConfig.Transport.STREAMABLE_HTTP);
        assertThat(tickets.headers().get("Authorization").value()).isEqualTo("Bearer tok-abcdef-123456");
        assertThat(tickets.headers().get("Authorization").toString()).isEqualTo(Secret.MASK);
        assertThat(tickets.sideEffecting().sideEffecting("create_ticket", true)).isTrue();
        assertThat(tickets.sideEffecting().sideEffecting("get_ticket", false)).isFalse();
        assertThat(tickets.timeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void aServerNameThatWouldMakeAmbiguousOrLongToolNamesIsRefused() {
        ConfigException clash = error("mcp:\n  servers:\n    a__b:\n      command: [x]\n");
        assertThat(clash.line()).isEqualTo(6);
        assertThat(clash.getMessage()).contains("cannot name an MCP server");
        ConfigException longName = error("mcp:\n  servers:\n    " + "s".repeat(63) + ":\n      command: [x]\n");
        assertThat(longName.getMessage()).contains("at most 64 characters");
    }

    @Test
    void aServerNeedsOneWayInAndKeepsEnvAndHeadersApart() {
        assertThat(error("mcp:\n  servers:\n    s:\n      command: [x]\n      url: https://h/mcp\n")
                        .getMessage())
                .contains("either a command");
        assertThat(error("mcp:\n  servers:\n    s:\n      url: ftp://h/mcp\n").getMessage())
                .contains("http:// or https://");
        assertThat(error("mcp:\n  servers:\n    s:\n      url: https://h/mcp\n      env: { A: b }\n")
                        .getMessage())
                .contains("env goes with a command");
        ConfigException side = error("mcp:\n  servers:\n    s:\n      command: [x]\n      side-effecting: some\n");
        assertThat(side.line()).isEqualTo(8);
        assertThat(side.getMessage()).contains("not auto, all, none or a list");
        assertThat(error("mcp:\n  servers:\n    s:\n      url: https://h/mcp\n      transport: websocket\n")
                        .getMessage())
                .contains("unknown MCP transport 'websocket'")
                .contains("streamable-http, sse");
    }

    @Test
    void approvalsNameAServersToolsByNameOrWildcardButOnlyForAConfiguredServer() throws Exception {
        AgentConfig c = load("mcp:\n  servers:\n    files:\n      command: [x]\n"
                + "tools:\n  approvals:\n    required: [\"files__*\", files__write_file]\n");
        assertThat(c.tools().approvals().required()).containsExactly("files__*", "files__write_file");
        ConfigException e = error("mcp:\n  servers:\n    files:\n      command: [x]\n"
                + "tools:\n  approvals:\n    required: [\"tickets__*\"]\n");
        assertThat(e.line()).isEqualTo(10);
        assertThat(e.getMessage()).contains("SERVER__TOOL");
    }

    @Test
    void globsMatchWholeNames() {
        assertThat(McpConfig.Glob.matches("*", "anything")).isTrue();
        assertThat(McpConfig.Glob.matches("read_*", "read_file")).isTrue();
        assertThat(McpConfig.Glob.matches("read_*", "unread_file")).isFalse();
        assertThat(McpConfig.Glob.matches("*media*", "read_media_file")).isTrue();
        assertThat(McpConfig.Glob.matches("a.b", "axb")).as("only * is special").isFalse();
    }
}
