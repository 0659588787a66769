package dev.heartbeat.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heartbeat.fakes.AgentTest;
import dev.heartbeat.fakes.FakeProvider;
import java.nio.file.Files;
import java.nio.file.Path;
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
        assertThat(d.path("outcome").asText()).isEqualTo("failed");
        assertThat(d.path("reason").asText()).contains("budget").contains("would need about");
        assertThat(fake.requests()).as("never sent").isEmpty();
    }
}
