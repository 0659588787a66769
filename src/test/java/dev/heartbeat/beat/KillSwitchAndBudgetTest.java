package dev.heartbeat.beat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heartbeat.cli.Main;
import dev.heartbeat.fakes.AgentTest;
import dev.heartbeat.fakes.TestAgent;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** pause / resume, and daily budgets checked before every model call. */
class KillSwitchAndBudgetTest extends AgentTest {

    @Test
    void pauseSkipsEveryBeatUntilResume() throws Exception {
        TestAgent.Result pause = agent.run("pause", "--reason", "maintenance window");
        assertThat(pause.exit()).isZero();
        assertThat(home.resolve("state/PAUSE")).exists();
        JsonNode d = beat();
        assertThat(d.path("outcome").asText()).isEqualTo("skipped");
        assertThat(d.path("reason").asText()).startsWith("paused: maintenance window");
        assertThat(fake.requests()).isEmpty();
        assertThat(agent.run("status").out()).contains("PAUSED");

        assertThat(agent.run("resume").out()).contains("resumed");
        fake.text("HEARTBEAT_OK");
        assertThat(beat().path("outcome").asText()).isEqualTo("quiet");
        assertThat(agent.run("resume").out()).contains("not paused");
    }

    @Test
    void aSpentTokenBudgetSkipsBeatsAndSaysSoOnce() throws Exception {
        // Two quiet beats fit (about 430 tokens each); the third would not, and is skipped before it asks.
        agent.yaml("budget:\n  daily-tokens: 900\n");
        fake.text("HEARTBEAT_OK").text("HEARTBEAT_OK").text("HEARTBEAT_OK");
        assertThat(beat().path("outcome").asText()).isEqualTo("quiet");
        assertThat(beat().path("outcome").asText()).isEqualTo("quiet");

        JsonNode skipped = beat();
        assertThat(skipped.path("outcome").asText()).isEqualTo("skipped");
        assertThat(skipped.path("reason").asText()).startsWith("budget:").contains("budget.daily-tokens");
        assertThat(skipped.path("notifications")).hasSize(1);
        JsonNode again = beat();
        assertThat(again.path("outcome").asText()).isEqualTo("skipped");
        assertThat(again.path("notifications"))
                .as("one notification, not one per beat")
                .isEmpty();
        assertThat(fake.served()).isEqualTo(2);
        assertThat(Files.readAllLines(home.resolve("notifications.jsonl")))
                .hasSize(1)
                .allSatisfy(l -> assertThat(l).contains("stops beating for today"));
        assertThat(agent.run("status").out()).contains("budget left today:");
    }

    @Test
    void theBudgetCountsThisAgentsSpendingNotAnotherAgentsInTheSameStore() throws Exception {
        agent.yaml("budget:\n  daily-tokens: 900\n");
        // Another agent sharing the store spends far past this agent's limit today.
        String other = Files.readString(agent.config()).replace("name: test-agent", "name: other-agent");
        assertThat(other).contains("other-agent");
        Path otherConfig = home.resolve("other.yaml");
        Files.writeString(otherConfig, other.replace("daily-tokens: 900", "daily-tokens: 100000"));
        for (int i = 0; i < 4; i++) {
            fake.text("HEARTBEAT_OK");
            StringWriter err = new StringWriter();
            int exit = Main.execute(
                    new String[] {"--config", otherConfig.toString(), "--once"},
                    new PrintWriter(new StringWriter()),
                    new PrintWriter(err),
                    agent.env());
            assertThat(exit).as(err.toString()).isZero();
        }
        fake.text("HEARTBEAT_OK");
        assertThat(beat().path("outcome").asText())
                .as("this agent's budget is its own")
                .isEqualTo("quiet");
    }

    @Test
    void theBudgetIsCheckedBeforeEveryModelCallNotOnlyAtTheStart() throws Exception {
        // The first request fits; with its answer counted, the second would not.
        agent.yaml("budget:\n  daily-tokens: 700\n");
        fake.call("append_note", "{\"text\": \"first step\"}").text("never asked");
        JsonNode d = beat();
        assertThat(d.path("outcome").asText()).isEqualTo("failed");
        assertThat(d.path("reason").asText()).contains("stopped before its next model call");
        assertThat(fake.served()).isEqualTo(1);
    }

    @Test
    void aDollarBudgetNeedsThePriceAndStopsAtTheLimit() throws Exception {
        agent.yaml("budget:\n  daily-usd: 0.001\n");
        TestAgent.Result noPrice = agent.run("config", "check");
        assertThat(noPrice.exit()).isEqualTo(2);
        assertThat(noPrice.err()).contains("budget.daily-usd").contains("pricing");

        agent.replaceYaml("budget:\n  daily-usd: 0.001\npricing:\n  gpt-test: { input: 2.0, output: 8.0 }\n");
        agent.model("  provider: openai\n  name: gpt-test\n  base-url: " + fake.baseUrl()
                + "\n  api-key: ${HB_TEST_KEY}\n" + "  max-retries: 0\n");
        fake.text("HEARTBEAT_OK").text("HEARTBEAT_OK");
        assertThat(beat().path("outcome").asText()).isEqualTo("quiet");
        assertThat(beat().path("outcome").asText()).isEqualTo("quiet");
        JsonNode d = beat();
        assertThat(d.path("outcome").asText()).isEqualTo("skipped");
        assertThat(d.path("reason").asText()).contains("spent today, the limit is $0.00");
    }
}
