package dev.heartbeat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heartbeat.fakes.AgentTest;
import dev.heartbeat.fakes.McpTestServers;
import dev.heartbeat.fakes.TestAgent;
import org.junit.jupiter.api.Test;

/** {@code tools list}: every tool the model would see, its source and policy, and the servers that are down. */
class ToolsListTest extends AgentTest {

    @Test
    void listsTheBuiltinsAndTheReferenceServersToolsWithTheirPolicyAndSaysWhichServerIsDown() throws Exception {
        agent.yaml("mcp:\n  servers:\n    everything:\n      command: "
                + McpTestServers.yaml(McpTestServers.everything())
                + "\n      tools: { deny: [\"toggle-*\"] }\n"
                + "    broken:\n      command: [./no-such-server]\n"
                + "tools:\n  approvals:\n    required: [everything__get-sum]\n");

        TestAgent.Result json = agent.run("tools", "list", "--json");

        assertThat(json.exit()).as(json.err()).isEqualTo(1);
        JsonNode listing = JSON.readTree(json.out());
        JsonNode echo = find(listing.path("tools"), "everything__echo");
        assertThat(echo.path("source").asText()).isEqualTo("mcp:everything");
        assertThat(echo.path("server_tool").asText()).isEqualTo("echo");
        assertThat(echo.path("side_effecting").asBoolean()).isFalse();
        assertThat(echo.path("untrusted_output").asBoolean()).isTrue();
        assertThat(find(listing.path("tools"), "everything__get-sum")
                        .path("approval")
                        .asText())
                .isEqualTo("always");
        assertThat(find(listing.path("tools"), "read_file").path("source").asText())
                .isEqualTo("built-in");
        assertThat(listing.path("tools").toString()).doesNotContain("toggle-simulated-logging\"");
        JsonNode broken = listing.path("servers").get(1);
        assertThat(broken.path("up").asBoolean()).isFalse();
        assertThat(broken.path("down").asText()).contains("no program").contains("no-such-server");
        assertThat(listing.path("servers").get(0).path("not_offered").toString())
                .contains("toggle-simulated-logging: left out by mcp.servers.everything.tools");

        TestAgent.Result text = agent.run("tools", "list");
        assertThat(text.out())
                .contains("everything__echo")
                .contains("mcp:everything")
                .contains("approval always")
                .contains("MCP server broken (stdio): DOWN: could not start: no program");
        assertThat(McpTestServers.running()).isEmpty();
    }

    private static JsonNode find(JsonNode tools, String name) {
        for (JsonNode t : tools) {
            if (t.path("name").asText().equals(name)) {
                return t;
            }
        }
        throw new AssertionError("no tool " + name + " in " + tools);
    }
}
