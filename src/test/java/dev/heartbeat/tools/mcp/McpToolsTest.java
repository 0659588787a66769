package dev.heartbeat.tools.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heartbeat.fakes.AgentTest;
import dev.heartbeat.fakes.McpTestServers;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

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
}
