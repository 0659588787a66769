package dev.heartbeat.beat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heartbeat.fakes.AgentTest;
import dev.heartbeat.fakes.FakeProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hostile volume from the model or the workspace is bounded and on record, never passed on whole. */
class VolumeBoundsTest extends AgentTest {
    @Test
    void aReplyWithHundredsOfCallsRunsABoundedNumberAndABeatNotifiesAtMostTenTimes() throws Exception {
        Path sent = home.resolve("sent.jsonl");
        agent.yaml("notify:\n  channels:\n    - { type: file, path: \"" + sent + "\" }\n");
        List<FakeProvider.Call> calls = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            calls.add(new FakeProvider.Call("c" + i, "notify", "{\"message\": \"alert " + i + "\"}"));
        }
        fake.calls(calls.toArray(new FakeProvider.Call[0])).text("HEARTBEAT_OK");
        JsonNode d = beat();
        assertThat(Files.readAllLines(sent)).hasSize(10);
        assertThat(d.path("tool_calls").size()).isEqualTo(500);
        long executed = 0;
        for (JsonNode call : d.path("tool_calls")) {
            executed += call.path("executed").asBoolean() ? 1 : 0;
        }
        assertThat(executed).isEqualTo(10);
        assertThat(d.path("tool_calls").get(499).path("result").asText()).contains("at most");
        assertThat(fake.rejections()).isEmpty();
    }

    @Test
    void aHugeFinalAnswerIsCutBeforeItReachesAChannelOrTheRecord() throws Exception {
        Path sent = home.resolve("sent.jsonl");
        agent.yaml("notify:\n  channels:\n    - { type: file, path: \"" + sent + "\" }\n");
        fake.text("disk full. " + "x".repeat(5_000_000));
        JsonNode d = beat();
        assertThat(d.path("outcome").asText()).isEqualTo("acted");
        assertThat(Files.size(sent)).isLessThan(10_000);
        assertThat(d.path("final_answer").asText().length()).isLessThan(20_000);
        assertThat(d.toString().length()).isLessThan(100_000);
    }

    @Test
    void aHugeChecklistIsRefusedWithoutAModelCall() throws Exception {
        agent.checklist("- check the disks\n" + "- also look at this\n".repeat(10_000));
        JsonNode d = beat();
        assertThat(d.path("outcome").asText()).isEqualTo("skipped");
        assertThat(d.path("reason").asText()).contains("checklist").contains("64 KiB");
        assertThat(fake.requests()).isEmpty();
    }

    @Test
    void theBudgetIsCheckedAgainstTheSizeOfTheRequestBeforeItIsSent() throws Exception {
        agent.yaml("budget:\n  daily-tokens: 2000\n");
        agent.checklist("- check the disks\n" + "- look at the logs of service number 12345 today\n".repeat(500));
        fake.text("HEARTBEAT_OK");
        JsonNode d = beat();
        assertThat(d.path("outcome").asText()).isEqualTo("skipped");
        assertThat(d.path("reason").asText()).contains("budget").contains("would need about");
        assertThat(fake.requests()).as("never sent").isEmpty();
    }

    @Test
    void stateIsBoundedSoBeatsCanAlwaysCarryIt() throws Exception {
        String big = "y".repeat(15_000);
        List<FakeProvider.Call> calls = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            calls.add(new FakeProvider.Call(
                    "s" + i, "set_state", "{\"key\": \"k" + i + "\", \"value\": \"" + big + "\"}"));
        }
        fake.calls(calls.toArray(new FakeProvider.Call[0]))
                .call("set_state", "{\"key\": \"huge\", \"value\": \"" + "z".repeat(20_000) + "\"}")
                .text("HEARTBEAT_OK");
        JsonNode d = beat();
        long stored = 0;
        for (JsonNode call : d.path("tool_calls")) {
            stored += call.path("outcome").asText().equals("ok") ? 1 : 0;
        }
        assertThat(stored).as("the total is bounded").isLessThan(17).isGreaterThan(10);
        assertThat(d.path("tool_calls").get(16).path("result").asText()).contains("the limit is");
        // The big turn no longer fits the context: a summary call comes first.
        fake.otherwise(new FakeProvider.Text("HEARTBEAT_OK"));
        JsonNode next = beat();
        assertThat(next.path("outcome").asText())
                .as(next.path("reason").asText())
                .isEqualTo("quiet");
        JsonNode messages = fake.requests().get(fake.requests().size() - 1).path("messages");
        String prompt = messages.get(messages.size() - 1).path("content").asText();
        assertThat(prompt.length())
                .as("the state in a beat's prompt is bounded")
                .isLessThan(20_000);
        assertThat(prompt).contains("more key(s)").contains("get_state");
    }

    @Test
    void anUnreadableStoredMessageIsLeftOutNotFatal() throws Exception {
        fake.call("set_state", "{\"key\": \"a\", \"value\": \"1\"}").text("Stored it.");
        assertThat(beat().path("outcome").asText()).isEqualTo("acted");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + agent.database());
                Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE messages SET body = '{\"role\": \"assistant\", \"torn' WHERE role = 'assistant' "
                    + "AND id = (SELECT min(id) FROM messages WHERE role = 'assistant')");
        }
        assertThat(agent.run("sessions", "show", "test-agent").exit()).isZero();
        assertThat(agent.run("sessions", "repair", "test-agent").exit()).isZero();
        fake.text("HEARTBEAT_OK");
        assertThat(beat().path("outcome").asText()).isEqualTo("quiet");
        assertThat(fake.rejections()).isEmpty();
    }
}
