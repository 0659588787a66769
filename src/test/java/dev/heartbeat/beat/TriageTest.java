package dev.heartbeat.beat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heartbeat.fakes.AgentTest;
import dev.heartbeat.fakes.FakeProvider;
import java.nio.file.Files;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * model.triage: a cheap model takes each beat first. HEARTBEAT_OK from it is a quiet beat; wanting to act, or
 * any other answer, or failing, hands the beat to the main model from the start. Both are on record.
 */
class TriageTest extends AgentTest {
    private final Deque<FakeProvider.Reply> cheap = new ArrayDeque<>();
    private final Deque<FakeProvider.Reply> main = new ArrayDeque<>();

    @BeforeEach
    void twoModelsOnOneServer() throws Exception {
        fake.answering(request -> {
            boolean triage = request.path("model").asText().equals("cheap-model");
            FakeProvider.Reply next = (triage ? cheap : main).poll();
            return next != null ? next : new FakeProvider.Text("HEARTBEAT_OK");
        });
        agent.model("  provider: openai\n  name: test-model\n  base-url: " + fake.baseUrl()
                + "\n  api-key: ${HB_TEST_KEY}\n  timeout: 3s\n  max-retries: 0\n"
                + "  triage: { name: cheap-model }\n");
        agent.yaml(
                "pricing:\n  test-model: { input: 2.5, output: 10.0 }\n  cheap-model: { input: 0.15, output: 0.6 }\n");
        Files.writeString(agent.workspace().resolve("NOTES.md"), "disk at 41%\n");
    }

    private List<String> models() {
        List<String> out = new ArrayList<>();
        fake.requests().forEach(r -> out.add(r.path("model").asText()));
        return out;
    }

    private static List<String> calledModels(JsonNode decision) {
        List<String> out = new ArrayList<>();
        decision.path("model_calls")
                .forEach(c -> out.add(c.path("gen_ai.request.model").asText()));
        return out;
    }

    @Test
    void theTriageModelsHeartbeatOkIsAQuietBeatAndItMayReadFirst() throws Exception {
        cheap.add(
                new FakeProvider.Calls(List.of(new FakeProvider.Call(null, "read_file", "{\"path\": \"NOTES.md\"}"))));
        cheap.add(new FakeProvider.Text("HEARTBEAT_OK"));

        JsonNode d = beat();

        assertThat(d.path("outcome").asText()).isEqualTo("quiet");
        assertThat(models()).containsExactly("cheap-model", "cheap-model");
        assertThat(d.path("model").path("name").asText()).isEqualTo("cheap-model");
        assertThat(d.path("tool_calls").get(0).path("name").asText()).isEqualTo("read_file");
        assertThat(d.path("tool_calls").get(0).path("executed").asBoolean()).isTrue();
        assertThat(d.path("gates").toString()).contains("the triage model answered HEARTBEAT_OK");
        assertThat(d.path("cost_usd").asDouble()).isGreaterThan(0);
        String session = agent.run("sessions", "show", "test-agent").out();
        assertThat(session).contains("read_file").contains("disk at 41%").contains("HEARTBEAT_OK");
    }

    @Test
    void aTriageThatWantsToActHandsTheBeatToTheMainModelFromTheStart() throws Exception {
        cheap.add(new FakeProvider.Calls(List.of(
                new FakeProvider.Call(null, "notify", "{\"message\": \"from triage\", \"severity\": \"info\"}"))));
        main.add(new FakeProvider.Calls(List.of(
                new FakeProvider.Call(null, "notify", "{\"message\": \"disk is fine\", \"severity\": \"info\"}"))));
        main.add(new FakeProvider.Text("HEARTBEAT_OK"));

        JsonNode d = beat();

        assertThat(d.path("outcome").asText()).isEqualTo("acted");
        assertThat(models()).containsExactly("cheap-model", "test-model", "test-model");
        assertThat(calledModels(d)).containsExactly("cheap-model", "test-model", "test-model");
        assertThat(d.path("gates").toString())
                .contains("the triage model wants to act (notify); the main model takes the beat");
        assertThat(d.path("tool_calls")).hasSize(1);
        assertThat(d.path("tool_calls").get(0).path("arguments").toString()).contains("disk is fine");
        // The main model starts from the beat's prompt: the triage's turn is not in its request, nor in the session.
        JsonNode messages = fake.requests().get(1).path("messages");
        assertThat(messages.get(messages.size() - 1).path("role").asText()).isEqualTo("user");
        assertThat(fake.requests().get(1).path("messages").toString()).doesNotContain("from triage");
        assertThat(Files.readString(agent.home().resolve("notifications.jsonl")))
                .contains("disk is fine")
                .doesNotContain("from triage");
        assertThat(agent.run("sessions", "show", "test-agent").out()).doesNotContain("from triage");
        double cost = (sum(d, "gen_ai.usage.input_tokens", "cheap-model") * 0.15
                        + sum(d, "gen_ai.usage.output_tokens", "cheap-model") * 0.6
                        + sum(d, "gen_ai.usage.input_tokens", "test-model") * 2.5
                        + sum(d, "gen_ai.usage.output_tokens", "test-model") * 10.0)
                / 1_000_000.0;
        assertThat(d.path("cost_usd").asDouble()).isCloseTo(cost, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void theTriagesCallsKeepTheBeatsBounds() throws Exception {
        List<FakeProvider.Call> many = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            many.add(new FakeProvider.Call(null, "read_file", "{\"path\": \"NOTES.md\"}"));
        }
        cheap.add(new FakeProvider.Calls(many));
        cheap.add(new FakeProvider.Text("HEARTBEAT_OK"));

        JsonNode d = beat();

        assertThat(d.path("outcome").asText()).isEqualTo("quiet");
        assertThat(d.path("tool_calls")).hasSize(20);
        long ran = 0;
        for (JsonNode t : d.path("tool_calls")) {
            ran += t.path("executed").asBoolean() ? 1 : 0;
        }
        assertThat(ran).isEqualTo(16);
        assertThat(d.path("tool_calls").get(19).path("result").asText()).contains("a reply may make at most 16");
    }

    private static long sum(JsonNode decision, String field, String model) {
        long n = 0;
        for (JsonNode c : decision.path("model_calls")) {
            if (c.path("gen_ai.request.model").asText().equals(model)) {
                n += c.path(field).asLong();
            }
        }
        return n;
    }

    @Test
    void anotherAnswerOrAFailedTriageAlsoGoesToTheMainModel() throws Exception {
        cheap.add(new FakeProvider.Text("The disk might need a look."));
        main.add(new FakeProvider.Text("HEARTBEAT_OK"));
        JsonNode other = beat();
        assertThat(other.path("outcome").asText()).isEqualTo("quiet");
        assertThat(other.path("model").path("name").asText()).isEqualTo("test-model");
        assertThat(other.path("gates").toString()).contains("the triage model did not answer HEARTBEAT_OK");

        cheap.add(
                new FakeProvider.Status(500, "{\"error\": {\"message\": \"overloaded\", \"type\": \"server_error\"}}"));
        main.add(new FakeProvider.Text("HEARTBEAT_OK"));
        JsonNode failed = beat();
        assertThat(failed.path("outcome").asText()).isEqualTo("quiet");
        JsonNode triageCall = failed.path("model_calls").get(0);
        assertThat(triageCall.path("gen_ai.request.model").asText()).isEqualTo("cheap-model");
        assertThat(triageCall.path("error").asText()).contains("500");
        assertThat(failed.path("gates").toString()).contains("the triage model failed");
    }
}
