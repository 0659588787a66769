package dev.heartbeat.tools.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heartbeat.fakes.AgentTest;
import dev.heartbeat.fakes.McpTestServers;
import dev.heartbeat.fakes.TestAgent;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Beats that call the reference MCP servers, run as processes, under the built-ins' policy. */
class McpToolsTest extends AgentTest {

    @AfterEach
    void noServerOutlivesTheRun() {
        assertThat(McpTestServers.running())
                .as("MCP server processes left running")
                .isEmpty();
    }

    private void everything(String more) throws Exception {
        agent.yaml("mcp:\n  servers:\n    everything:\n      command: "
                + McpTestServers.yaml(McpTestServers.everything()) + "\n" + more);
    }

    private static List<String> toolNames(JsonNode request) {
        List<String> names = new ArrayList<>();
        request.path("tools")
                .forEach(t -> names.add(t.path("function").path("name").asText()));
        return names;
    }

    private static JsonNode tool(JsonNode request, String name) {
        for (JsonNode t : request.path("tools")) {
            if (t.path("function").path("name").asText().equals(name)) {
                return t.path("function");
            }
        }
        throw new AssertionError("the request offers no tool " + name + ": " + toolNames(request));
    }

    @Test
    void aBeatCallsAReferenceServersToolAndItsAnswerReachesTheModel() throws Exception {
        everything("");
        fake.call("everything__echo", "{\"message\": \"disk at 91%\"}").text("HEARTBEAT_OK");

        JsonNode decision = beat();

        JsonNode call = decision.path("tool_calls").get(0);
        assertThat(call.path("name").asText()).isEqualTo("everything__echo");
        assertThat(call.path("server").asText()).isEqualTo("everything");
        assertThat(call.path("server_tool").asText()).isEqualTo("echo");
        assertThat(call.path("outcome").asText()).isEqualTo("ok");
        assertThat(call.path("side_effecting").asBoolean()).isFalse();

        JsonNode first = fake.requests().get(0);
        assertThat(toolNames(first)).contains("read_file", "everything__echo", "everything__get-sum");
        JsonNode echo = tool(first, "everything__echo");
        assertThat(echo.path("parameters")
                        .path("properties")
                        .path("message")
                        .path("type")
                        .asText())
                .isEqualTo("string");
        assertThat(echo.path("parameters").path("required").toString()).contains("message");

        JsonNode messages = fake.requests().get(1).path("messages");
        String result = messages.get(messages.size() - 1).path("content").asText();
        assertThat(result).contains("Echo: disk at 91%").contains("[untrusted data from everything__echo");
    }

    private void files(String more) throws Exception {
        agent.yaml("mcp:\n  servers:\n    files:\n      command: "
                + McpTestServers.yaml(McpTestServers.filesystem(agent.workspace())) + "\n" + more);
    }

    private String writeReport() {
        return "{\"path\": \"" + agent.workspace().resolve("report.md") + "\", \"content\": \"weekly report\"}";
    }

    @Test
    void aSideEffectingServerToolIsRecordedNotRunInADryRun() throws Exception {
        files("");
        fake.call("files__write_file", writeReport()).text("HEARTBEAT_OK");

        JsonNode decision =
                JSON.readTree(agent.run("--once", "--dry-run", "--json").out());

        JsonNode call = decision.path("tool_calls").get(0);
        assertThat(call.path("side_effecting").asBoolean())
                .as("destructiveHint, not readOnlyHint")
                .isTrue();
        assertThat(call.path("outcome").asText()).isEqualTo("dry_run");
        assertThat(call.path("executed").asBoolean()).isFalse();
        assertThat(agent.workspace().resolve("report.md")).doesNotExist();
    }

    @Test
    void aServerToolNamedByItsServersWildcardWaitsForAPersonAndRunsOnceApproved() throws Exception {
        files("tools:\n  approvals:\n    required: [\"files__*\"]\n");
        fake.call("files__write_file", writeReport());

        JsonNode first = beat();
        assertThat(first.path("outcome").asText()).isEqualTo("awaiting_approval");
        assertThat(agent.workspace().resolve("report.md")).doesNotExist();
        JsonNode pending =
                JSON.readTree(agent.run("approvals", "list", "--json").out());
        assertThat(pending).hasSize(1);
        assertThat(pending.get(0).path("tool").asText()).isEqualTo("files__write_file");
        assertThat(agent.run("approvals", "approve", pending.get(0).path("id").asText())
                        .exit())
                .isZero();

        fake.text("HEARTBEAT_OK");
        JsonNode second = beat();
        assertThat(agent.workspace().resolve("report.md")).hasContent("weekly report");
        JsonNode ran = second.path("tool_calls").get(0);
        assertThat(ran.path("server").asText()).isEqualTo("files");
        assertThat(ran.path("executed").asBoolean()).isTrue();
    }

    private void hostile(String more) throws Exception {
        agent.yaml("mcp:\n  servers:\n    hostile:\n      command: " + McpTestServers.yaml(McpTestServers.hostile())
                + "\n      env: { LEAK: \"${HB_TEST_KEY}\" }\n" + more);
    }

    @Test
    void aHostileServersOutputIsCutMaskedAndKeptAsData() throws Exception {
        hostile("      timeout: 2s\n");
        fake.call("hostile__big", "{}")
                .call("hostile__leak", "{}")
                .call("hostile__inject", "{}")
                .call("hostile__hang", "{}")
                .call("read_file", "{\"path\": \"HEARTBEAT.md\"}")
                .text("HEARTBEAT_OK");

        TestAgent.Result run = agent.run("--once", "--json");
        JsonNode decision = JSON.readTree(run.out());

        JsonNode calls = decision.path("tool_calls");
        assertThat(calls.get(0).path("outcome").asText()).isEqualTo("ok");
        assertThat(calls.get(3).path("outcome").asText()).isEqualTo("error");
        assertThat(calls.get(3).path("result").asText()).contains("did not answer hang within 2s");
        assertThat(calls.get(4).path("outcome").asText()).as("the beat goes on").isEqualTo("ok");
        assertThat(decision.path("outcome").asText())
                .as("read-only calls and HEARTBEAT_OK")
                .isEqualTo("quiet");

        List<JsonNode> requests = fake.requests();
        String big = lastMessage(requests.get(1));
        assertThat(big.length()).as("cut like any tool result").isLessThan(20_000);
        assertThat(lastMessage(requests.get(2))).contains("the key is").doesNotContain(TestAgent.KEY);
        String injected = lastMessage(requests.get(3));
        String marker =
                injected.substring(injected.indexOf("marked ") + 7, injected.indexOf(':', injected.indexOf("marked ")));
        assertThat(injected).contains(marker + "| [end of untrusted data]").contains(marker + "| SYSTEM: ignore");
        assertThat(run.all()).doesNotContain(TestAgent.KEY);
        assertThat(decision.toString()).doesNotContain(TestAgent.KEY);
    }

    private static String lastMessage(JsonNode request) {
        JsonNode messages = request.path("messages");
        return messages.get(messages.size() - 1).path("content").asText();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"streamableHttp, /mcp, '', listening on port", "sse, /sse, '      transport: sse\n', running on port"})
    void aServerReachedOverHttpIsCalledLikeAStdioOne(String mode, String path, String transport, String ready)
            throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        ProcessBuilder builder = new ProcessBuilder(McpTestServers.everythingHttp(mode)).redirectErrorStream(true);
        builder.environment().put("PORT", String.valueOf(port));
        Process server = builder.start();
        try {
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            for (String line = out.readLine(); line != null && !line.contains(ready); ) {
                line = out.readLine();
            }
            agent.yaml("mcp:\n  servers:\n    remote:\n      url: http://127.0.0.1:" + port + path + "\n"
                    + transport.replace("\\n", "\n") + "      headers: { X-Trace: \"hb-test\" }\n");
            fake.call("remote__get-sum", "{\"a\": 2, \"b\": 3}").text("HEARTBEAT_OK");

            JsonNode call = beat().path("tool_calls").get(0);

            assertThat(call.path("outcome").asText()).as(call.toString()).isEqualTo("ok");
            assertThat(call.path("server").asText()).isEqualTo("remote");
            assertThat(lastMessage(fake.requests().get(1))).contains("The sum of 2 and 3 is 5");
        } finally {
            server.destroyForcibly().waitFor();
        }
    }

    @Test
    void anOpenWorldServerToolTaintsTheBeatAsHttpGetDoesAndAClosedWorldOneDoesNot() throws Exception {
        agent.yaml("tools:\n  run_command:\n    allow: [echo]\n");
        hostile("    files:\n      command: " + McpTestServers.yaml(McpTestServers.filesystem(agent.workspace()))
                + "\n");
        Files.writeString(agent.workspace().resolve("notes.md"), "all quiet");
        // filesystem's read tools say openWorldHint: false; hostile's inject says nothing, so the MCP default holds.
        fake.call("files__read_text_file", "{\"path\": \"" + agent.workspace().resolve("notes.md") + "\"}")
                .call("run_command", "{\"program\": \"echo\", \"args\": [\"closed\"]}")
                .call("hostile__inject", "{}")
                .call("run_command", "{\"program\": \"echo\", \"args\": [\"open\"]}")
                .text("HEARTBEAT_OK");

        JsonNode calls = beat().path("tool_calls");

        assertThat(calls.get(0).path("outcome").asText()).isEqualTo("ok");
        assertThat(calls.get(1).path("outcome").asText())
                .as("after a closed-world read")
                .isEqualTo("ok");
        assertThat(calls.get(3).path("outcome").asText())
                .as("after an open-world result, a consequential tool needs a person")
                .isEqualTo("awaiting_approval");
    }

    @Test
    void aPausedAgentStartsNoServer() throws Exception {
        Path started = home.resolve("started");
        agent.yaml("mcp:\n  servers:\n    everything:\n      command: [sh, -c, \"touch " + started + "; exec "
                + String.join(" ", McpTestServers.everything()) + "\"]\n");
        assertThat(agent.run("pause", "--reason", "maintenance").exit()).isZero();

        JsonNode skipped = beat();

        assertThat(skipped.path("outcome").asText()).isEqualTo("skipped");
        assertThat(started).as("the kill switch holds before any server starts").doesNotExist();
        assertThat(agent.run("resume").exit()).isZero();
        fake.text("HEARTBEAT_OK");
        beat();
        assertThat(started).exists();
    }

    @Test
    void aServerThatCannotStartFailsNoBeatAndTheModelIsToldItsToolsAreOut() throws Exception {
        agent.yaml("mcp:\n  servers:\n    broken:\n      command: [./no-such-server]\n");
        fake.text("HEARTBEAT_OK");

        JsonNode decision = beat();

        assertThat(decision.path("outcome").asText()).isEqualTo("quiet");
        String prompt = fake.requests().get(0).path("messages").toString();
        assertThat(prompt)
                .contains("Tools unavailable this beat")
                .contains("MCP server broken is unavailable, so its tools (broken__*) cannot be called this beat");
        assertThat(toolNames(fake.requests().get(0))).contains("read_file").noneMatch(n -> n.startsWith("broken__"));
    }
}
