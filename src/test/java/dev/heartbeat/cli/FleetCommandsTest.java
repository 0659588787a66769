package dev.heartbeat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heartbeat.fakes.AgentTest;
import dev.heartbeat.fakes.TestAgent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two agents in one file: every command addresses one with --agent, and the listings say whose each row is. */
class FleetCommandsTest extends AgentTest {
    @BeforeEach
    void twoAgents() throws Exception {
        agent.yaml("agents:\n  - { name: disk }\n  - { name: billing }\n");
        for (String name : List.of("disk", "billing")) {
            Path workspace = Files.createDirectories(home.resolve("sessions").resolve(name));
            Files.writeString(workspace.resolve("HEARTBEAT.md"), "# Checks\n- Is " + name + " fine?\n");
        }
    }

    private JsonNode once(String name) throws Exception {
        TestAgent.Result r = agent.run("--agent", name, "--once", "--json");
        assertThat(r.exit()).as(r.all()).isIn(0, 1);
        return json(r.out());
    }

    @Test
    void aCommandAboutOneAgentAsksWhichWhenThereAreSeveral() {
        TestAgent.Result none = agent.run("--once");
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err()).contains("configures 2 agents (disk, billing)").contains("--agent NAME");
        TestAgent.Result unknown = agent.run("--agent", "certs", "approvals", "list");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("--agent certs").contains("no such agent; its agents: disk, billing");
    }

    @Test
    void statusBeforeAnyBeatShowsEachAgentsSchedule() throws Exception {
        TestAgent.Result status = agent.run("status");
        assertThat(status.exit()).as(status.all()).isZero();
        assertThat(status.out())
                .containsPattern("disk\\s+no\\s+every 30m")
                .containsPattern("billing\\s+no\\s+every 30m");
        assertThat(status.out()).contains("none yet");
    }

    @Test
    void eachAgentBeatsInItsOwnSessionAndTheListingsSayWhose() throws Exception {
        fake.text("HEARTBEAT_OK").text("HEARTBEAT_OK");
        assertThat(once("disk").path("agent").asText()).isEqualTo("disk");
        JsonNode billing = once("billing");
        assertThat(billing.path("agent").asText()).isEqualTo("billing");
        assertThat(billing.path("session").asText()).isEqualTo("billing");
        assertThat(fake.requests().get(1).toString())
                .contains("Is billing fine?")
                .doesNotContain("Is disk fine?");

        TestAgent.Result list = agent.run("decisions", "list");
        assertThat(list.exit()).as(list.all()).isZero();
        assertThat(list.out().lines().findFirst().orElseThrow())
                .startsWith("ID")
                .contains("AGENT");
        assertThat(list.out()).contains(" disk ").contains(" billing ");
        TestAgent.Result onlyDisk = agent.run("--agent", "disk", "decisions", "list", "--json");
        assertThat(json(onlyDisk.out())).hasSize(1);
        assertThat(json(onlyDisk.out()).get(0).path("agent").asText()).isEqualTo("disk");

        JsonNode stats = json(agent.run("decisions", "stats", "--json").out());
        assertThat(stats.path("beats").asInt()).isEqualTo(2);
        assertThat(stats.path("by_agent").path("disk").path("beats").asInt()).isEqualTo(1);
        assertThat(stats.path("by_agent").path("billing").path("beats").asInt()).isEqualTo(1);

        TestAgent.Result sessions = agent.run("sessions", "list");
        assertThat(sessions.out().lines().findFirst().orElseThrow()).contains("AGENT");
        assertThat(json(agent.run("--agent", "billing", "sessions", "list", "--json")
                        .out()))
                .extracting(n -> n.path("name").asText())
                .containsExactly("billing");

        TestAgent.Result status = agent.run("status");
        assertThat(status.exit()).as(status.all()).isZero();
        assertThat(status.out()).contains("AGENT").containsPattern("disk\\s+no\\s+every 30m");
        JsonNode statusJson = json(agent.run("status", "--json").out());
        assertThat(statusJson.path("agents"))
                .extracting(n -> n.path("agent").asText())
                .containsExactly("disk", "billing");
        assertThat(statusJson
                        .path("agents")
                        .get(1)
                        .path("last_beat")
                        .path("outcome")
                        .asText())
                .isEqualTo("quiet");
        assertThat(agent.run("--agent", "disk", "status").out()).contains("agent      disk");

        TestAgent.Result check = agent.run("config", "check");
        assertThat(check.exit()).as(check.all()).isZero();
        assertThat(check.out()).contains("2 agents (disk, billing)").contains("# agent billing");
    }

    @Test
    void pauseAndResumeOneAgentOrAll() throws Exception {
        fake.otherwise(new dev.heartbeat.fakes.FakeProvider.Text("HEARTBEAT_OK"));
        TestAgent.Result paused = agent.run("--agent", "billing", "pause", "--reason", "invoice migration");
        assertThat(paused.exit()).as(paused.all()).isZero();
        assertThat(home.resolve("state/PAUSE.billing")).exists();
        assertThat(once("billing").path("outcome").asText()).isEqualTo("skipped");
        assertThat(once("disk").path("outcome").asText()).isEqualTo("quiet");
        assertThat(json(agent.run("status", "--json").out()).path("agents"))
                .extracting(n -> n.path("paused").asBoolean())
                .containsExactly(false, true);

        assertThat(agent.run("pause").exit()).as("which agent?").isEqualTo(2);
        assertThat(agent.run("pause", "--all").exit()).isZero();
        assertThat(home.resolve("state/PAUSE")).exists();
        assertThat(once("disk").path("reason").asText()).contains("paused");

        TestAgent.Result one = agent.run("--agent", "billing", "resume");
        assertThat(one.out()).contains("resumed billing").contains("still pauses every agent");
        assertThat(once("billing").path("outcome").asText()).isEqualTo("skipped");
        assertThat(agent.run("resume", "--all").out()).contains("resumed disk, billing");
        assertThat(once("billing").path("outcome").asText()).isEqualTo("quiet");
        assertThat(once("disk").path("outcome").asText()).isEqualTo("quiet");
    }

    @Test
    void anotherAgentsKeyIsMaskedInWhatACommandAboutOneAgentStores() throws Exception {
        String key = "sk-billing-only-" + Long.toHexString(System.nanoTime()) + "-4d2a";
        agent.env().put("BILLING_KEY", key);
        agent.replaceYaml(
                "agents:\n  - { name: disk }\n  - { name: billing, model: { api-key: \"${BILLING_KEY}\" } }\n");
        Path transcript = home.resolve("pasted.jsonl");
        Files.writeString(
                transcript,
                "{\"role\":\"user\",\"content\":\"the billing token is " + key + "\"}\n"
                        + "{\"role\":\"assistant\",\"content\":\"noted\"}\n");
        TestAgent.Result imported =
                agent.run("--agent", "disk", "sessions", "import", transcript.toString(), "--name", "pasted");
        assertThat(imported.exit()).as(imported.all()).isZero();
        // The import keeps each line as given beside the message (masked): billing's key too, though the command
        // was about disk.
        List<String> raw = column("SELECT raw FROM messages WHERE session = 'pasted' ORDER BY id");
        assertThat(raw).hasSize(2);
        assertThat(raw.get(0)).contains("the billing token is").doesNotContain(key);
    }

    @Test
    void aWakeIsStoredForTheAgentsItNames() throws Exception {
        assertThat(agent.run("wake").exit()).isEqualTo(2);
        assertThat(agent.run("--agent", "disk", "wake", "--reason", "disk alert")
                        .out())
                .contains("wake request 1 (disk) stored");
        assertThat(agent.run("wake", "--all").out()).contains("(disk)").contains("(billing)");
        List<String> agents = column("SELECT agent FROM wake_requests ORDER BY id");
        assertThat(agents).containsExactly("disk", "disk", "billing");
    }

    @Test
    void theSameAlertFromTwoAgentsReachesTheOperatorFromEach() throws Exception {
        String alert = "{\"message\": \"backups have not run since Monday\"}";
        fake.call("notify", alert).text("HEARTBEAT_OK").call("notify", alert).text("HEARTBEAT_OK");
        assertThat(once("disk").path("outcome").asText()).isEqualTo("acted");
        JsonNode second = once("billing");
        assertThat(second.path("outcome").asText()).isEqualTo("acted");
        List<String> sent = Files.readAllLines(home.resolve("notifications.jsonl"));
        assertThat(sent).hasSize(2);
        assertThat(sent.get(0)).contains("\"agent\":\"disk\"");
        assertThat(sent.get(1)).contains("\"agent\":\"billing\"");
    }

    /** The first column of a query's rows, read straight from the store's database. */
    private List<String> column(String sql) throws Exception {
        List<String> values = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + agent.database());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }
}
