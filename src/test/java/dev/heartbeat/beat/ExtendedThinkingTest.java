package dev.heartbeat.beat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.heartbeat.fakes.FakeAnthropic;
import dev.heartbeat.fakes.FakeOpenAi;
import dev.heartbeat.fakes.TestAgent;
import dev.heartbeat.store.Store;
import dev.heartbeat.transcript.AssistantMessage;
import dev.heartbeat.transcript.Reasoning;
import dev.heartbeat.transcript.StoredMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Extended thinking end to end against a fake Anthropic server that signs its thinking blocks, refuses a
 * block whose signature does not match its text, and requires the assistant turn of an open tool loop to
 * start with its thinking, with the API's own 400 texts.
 */
class ExtendedThinkingTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;

    private FakeAnthropic fake;
    private TestAgent agent;

    @BeforeEach
    void start() throws Exception {
        fake = new FakeAnthropic(TestAgent.KEY);
        agent = new TestAgent(home, fake);
        agent.model("  provider: anthropic\n  name: claude-test\n  base-url: " + fake.baseUrl()
                + "\n  api-key: ${HB_TEST_KEY}\n  timeout: 3s\n  max-retries: 0\n  max-tokens: 4096\n"
                + "  thinking: { budget-tokens: 1024 }\n");
        // Every turn stays in the context (no summary call takes a scripted reply).
        agent.yaml("context:\n  max-turns: 50\n  budget-tokens: 100000\n");
        Files.writeString(agent.workspace().resolve("NOTES.md"), "disk at 41%, backups ran\n");
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    private JsonNode beat() throws Exception {
        TestAgent.Result r = agent.run("--once", "--json");
        assertThat(r.exit()).as(r.all()).isZero();
        return JSON.readTree(r.out());
    }

    @Test
    void twentyBeatsWithToolLoopsSendEverySignedThinkingBlockBackAndGetNo400() throws Exception {
        for (int i = 0; i < 20; i++) {
            fake.call("read_file", "{\"path\":\"NOTES.md\"}")
                    .call("get_state", "{}")
                    .text("HEARTBEAT_OK");
            JsonNode d = beat();
            assertThat(d.path("outcome").asText()).as(d.toString()).isEqualTo("quiet");
            assertThat(d.path("tool_calls")).as(d.toString()).hasSize(2);
            // Anthropic counts thinking in its output tokens; the record estimates the part spent thinking.
            assertThat(d.path("model_calls"))
                    .allSatisfy(c -> assertThat(c.path("gen_ai.usage.reasoning.output_tokens")
                                    .asLong())
                            .isPositive()
                            .isLessThanOrEqualTo(
                                    c.path("gen_ai.usage.output_tokens").asLong()));
        }
        assertThat(fake.rejections()).isEmpty();
        List<JsonNode> requests = fake.requests();
        assertThat(requests).hasSize(60);
        int loops = 0;
        for (JsonNode request : requests) {
            assertThat(request.path("thinking").path("type").asText()).isEqualTo("enabled");
            for (JsonNode m : request.path("messages")) {
                if (!m.path("role").asText().equals("assistant")) {
                    continue;
                }
                JsonNode first = m.path("content").get(0);
                // Every turn the model made went back with its own block, unchanged, first.
                assertThat(first.path("type").asText()).isEqualTo("thinking");
                assertThat(first.path("signature").asText())
                        .isEqualTo(
                                fake.sign("claude-test", first.path("thinking").asText()));
                loops++;
            }
        }
        assertThat(loops).as("assistant turns sent back").isGreaterThan(40);

        try (Store store = agent.store()) {
            List<StoredMessage> history = store.sessions().history("test-agent");
            List<AssistantMessage> turns = history.stream()
                    .map(StoredMessage::message)
                    .filter(AssistantMessage.class::isInstance)
                    .map(AssistantMessage.class::cast)
                    .toList();
            assertThat(turns).hasSize(60).allSatisfy(a -> {
                assertThat(a.model()).isEqualTo("anthropic/claude-test");
                assertThat(a.reasoning()).singleElement().isInstanceOfSatisfying(Reasoning.Thinking.class, t -> {
                    assertThat(t.signed()).isTrue();
                    assertThat(t.signature()).isEqualTo(fake.sign("claude-test", t.thinking()));
                });
            });
        }
    }

    @Test
    void aBlockTheProviderNoLongerAcceptsIsDroppedWithinTheBeatAndNeverSentAgain() throws Exception {
        fake.call("read_file", "{\"path\":\"NOTES.md\"}").text("HEARTBEAT_OK");
        assertThat(beat().path("outcome").asText()).isEqualTo("quiet");
        String poisoned;
        try (Store store = agent.store()) {
            poisoned = store.sessions().history("test-agent").stream()
                    .map(StoredMessage::message)
                    .filter(AssistantMessage.class::isInstance)
                    .map(m -> ((Reasoning.Thinking)
                                    ((AssistantMessage) m).reasoning().get(0))
                            .thinking())
                    .findFirst()
                    .orElseThrow();
        }
        // The provider stops accepting the first turn's signed block (its signature is valid by our record).
        fake.refuseThinking(poisoned);

        fake.text("HEARTBEAT_OK");
        JsonNode healed = beat();
        assertThat(healed.path("outcome").asText()).as(healed.toString()).isEqualTo("quiet");
        assertThat(fake.rejections())
                .singleElement()
                .asString()
                .contains("messages.1.content.0: Invalid `signature` in `thinking` block");
        assertThat(healed.path("model_calls").get(0).path("error").asText())
                .contains("Invalid `signature` in `thinking` block");
        JsonNode repair = healed.path("repairs").get(0);
        assertThat(repair.path("rule").asText()).isEqualTo("drop_rejected_thinking");
        assertThat(repair.path("detail").asText())
                .contains("the reasoning block the provider refused was dropped")
                .contains("messages.1.content.0: Invalid `signature` in `thinking` block");
        assertThat(repair.path("message_ids")).hasSize(1);

        fake.text("HEARTBEAT_OK");
        assertThat(beat().path("outcome").asText()).isEqualTo("quiet");
        assertThat(fake.rejections())
                .as("the session does not fail again with the same 400")
                .hasSize(1);
        try (Store store = agent.store()) {
            assertThat(store.sessions().history("test-agent").stream()
                            .map(StoredMessage::message)
                            .filter(AssistantMessage.class::isInstance)
                            .flatMap(m -> ((AssistantMessage) m).reasoning().stream())
                            .map(r -> ((Reasoning.Thinking) r).thinking()))
                    .doesNotContain(poisoned)
                    .hasSize(3);
            assertThat(store.repairLog().repairs("test-agent"))
                    .anySatisfy(r -> assertThat(r.action().rule()).isEqualTo("drop_rejected_thinking"));
            // The provider's own message stays beside each reply, the repaired revision's copies included: it
            // still holds the block exactly as the provider sent it.
            StoredMessage first = store.sessions().history("test-agent").stream()
                    .filter(m -> m.message() instanceof AssistantMessage)
                    .findFirst()
                    .orElseThrow();
            JsonNode raw = JSON.readTree(store.sessions().raw(first.id()).orElseThrow());
            assertThat(raw.path("content").get(0).path("thinking").asText()).isEqualTo(poisoned);
            assertThat(raw.path("content").get(0).path("signature").asText())
                    .isEqualTo(fake.sign("claude-test", poisoned));
            TestAgent.Result shown = agent.run("sessions", "show", "test-agent", "--raw", Long.toString(first.id()));
            assertThat(shown.exit()).as(shown.all()).isZero();
            assertThat(JSON.readTree(shown.out())).isEqualTo(raw);
        }
    }

    @Test
    void aFallbackModelNeverGetsAnotherModelsThinkingAndAnOpenLoopItInheritsAsksWithThinkingOff() throws Exception {
        agent.model("  provider: anthropic\n  name: claude-a\n  base-url: " + fake.baseUrl()
                + "\n  api-key: ${HB_TEST_KEY}\n  timeout: 3s\n  max-retries: 0\n  max-tokens: 4096\n"
                + "  thinking: { budget-tokens: 1024 }\n"
                + "  fallbacks:\n    - { provider: anthropic, name: claude-b, base-url: \"" + fake.baseUrl()
                + "\", api-key: \"${HB_TEST_KEY}\", max-tokens: 4096, thinking: { budget-tokens: 1024 } }\n");
        // claude-a starts a tool loop, then fails; claude-b takes the loop over and finishes it.
        fake.call("read_file", "{\"path\":\"NOTES.md\"}")
                .status(
                        529,
                        "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}")
                .text("HEARTBEAT_OK");
        JsonNode d = beat();
        assertThat(d.path("outcome").asText()).as(d.toString()).isEqualTo("quiet");
        assertThat(fake.rejections()).isEmpty();
        JsonNode takeover = fake.requests().get(2);
        assertThat(takeover.path("model").asText()).isEqualTo("claude-b");
        assertThat(takeover.path("thinking").path("type").asText())
                .as("the inherited loop has no thinking of claude-b's: asked with thinking off")
                .isEmpty();
        for (JsonNode m : takeover.path("messages")) {
            for (JsonNode block : m.path("content")) {
                assertThat(block.path("type").asText())
                        .as("claude-a's thinking stays with claude-a")
                        .isNotEqualTo("thinking");
            }
        }
        // The next beat starts a new turn: the primary is asked first again, with thinking, and gets its own
        // blocks back (claude-b's block from the takeover is not sent to it).
        fake.text("HEARTBEAT_OK");
        assertThat(beat().path("outcome").asText()).isEqualTo("quiet");
        JsonNode next = fake.requests().get(3);
        assertThat(next.path("model").asText()).isEqualTo("claude-a");
        assertThat(next.path("thinking").path("type").asText()).isEqualTo("enabled");
        assertThat(fake.rejections()).isEmpty();
    }

    @Test
    void anOpenAiReasoningModelsEffortGoesOutItsReasoningIsKeptButNeverSentBackAndItsTokensCounted() throws Exception {
        try (FakeOpenAi openai = new FakeOpenAi(TestAgent.KEY)) {
            agent.model("  provider: openai\n  name: o4-mini\n  base-url: " + openai.baseUrl()
                    + "\n  api-key: ${HB_TEST_KEY}\n  timeout: 3s\n  max-retries: 0\n  thinking: { effort: low }\n");
            openai.call("read_file", "{\"path\":\"NOTES.md\"}")
                    .text("HEARTBEAT_OK")
                    .text("HEARTBEAT_OK");
            JsonNode d = beat();
            assertThat(d.path("outcome").asText()).as(d.toString()).isEqualTo("quiet");
            assertThat(beat().path("outcome").asText()).isEqualTo("quiet");
            assertThat(openai.rejections()).isEmpty();
            assertThat(openai.requests())
                    .allSatisfy(
                            r -> assertThat(r.path("reasoning_effort").asText()).isEqualTo("low"));
            JsonNode call = d.path("model_calls").get(0);
            assertThat(call.path("gen_ai.usage.reasoning.output_tokens").asLong())
                    .isPositive();
            assertThat(call.path("gen_ai.usage.output_tokens").asLong())
                    .isGreaterThan(
                            call.path("gen_ai.usage.reasoning.output_tokens").asLong());
            try (Store store = agent.store()) {
                assertThat(store.sessions().history("test-agent").stream()
                                .map(StoredMessage::message)
                                .filter(AssistantMessage.class::isInstance)
                                .map(m -> ((AssistantMessage) m).reasoning()))
                        .allSatisfy(r -> assertThat(r)
                                .singleElement()
                                .isInstanceOfSatisfying(
                                        Reasoning.ReasoningContent.class,
                                        c -> assertThat(c.text()).startsWith("Reasoned about step")));
            }
        }
    }

    @Test
    void anImageAUserSentIsKeptAndShownToTheModelAndExportedInEitherFormat() throws Exception {
        Path file = home.resolve("with-image.json");
        Files.writeString(file, """
                {"messages": [
                  {"role": "user", "content": [{"type": "text", "text": "Is this graph bad?"},
                    {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}}]},
                  {"role": "assistant", "content": [{"type": "text", "text": "It shows a full disk."}]}]}
                """);
        assertThat(agent.run("sessions", "import", file.toString(), "--name", "test-agent")
                        .exit())
                .isZero();
        fake.text("HEARTBEAT_OK");
        assertThat(beat().path("outcome").asText()).isEqualTo("quiet");
        JsonNode sent = fake.requests().get(0).path("messages").get(0).path("content");
        assertThat(sent.findValues("type").stream().map(JsonNode::asText)).contains("text", "image");
        assertThat(sent.findValuesAsText("data")).containsExactly("iVBORw0KGgo=");

        TestAgent.Result openai = agent.run("sessions", "export", "test-agent", "--format", "openai");
        JsonNode first = JSON.readTree(openai.out().lines().findFirst().orElseThrow());
        assertThat(first.path("content").get(1).path("image_url").path("url").asText())
                .isEqualTo("data:image/png;base64,iVBORw0KGgo=");
    }

    @Test
    void adaptiveThinkingRunsToolLoopsToo() throws Exception {
        agent.model("  provider: anthropic\n  name: claude-test\n  base-url: " + fake.baseUrl()
                + "\n  api-key: ${HB_TEST_KEY}\n  timeout: 3s\n  max-retries: 0\n  max-tokens: 4096\n"
                + "  thinking: { adaptive: true }\n");
        for (int i = 0; i < 3; i++) {
            fake.call("read_file", "{\"path\":\"NOTES.md\"}").text("HEARTBEAT_OK");
            assertThat(beat().path("outcome").asText()).isEqualTo("quiet");
        }
        assertThat(fake.rejections()).isEmpty();
        assertThat(fake.requests())
                .allSatisfy(r ->
                        assertThat(r.path("thinking").path("type").asText()).isEqualTo("adaptive"));
    }

    @Test
    void thinkingSettingsAreCheckedWithTheKeyAndTheLine() throws Exception {
        agent.model("  provider: anthropic\n  name: claude-test\n  api-key: ${HB_TEST_KEY}\n  max-tokens: 1024\n"
                + "  thinking: { budget-tokens: 1024 }\n");
        TestAgent.Result low = agent.run("config", "check");
        assertThat(low.exit()).isEqualTo(2);
        assertThat(low.err()).contains("model.thinking.budget-tokens").contains("below max-tokens (1024)");

        agent.model("  provider: anthropic\n  name: claude-test\n  api-key: ${HB_TEST_KEY}\n  max-tokens: 4096\n"
                + "  temperature: 0.2\n  thinking: { budget-tokens: 2048 }\n");
        TestAgent.Result hot = agent.run("config", "check");
        assertThat(hot.exit()).isEqualTo(2);
        assertThat(hot.err()).contains("model.temperature").contains("extended thinking");

        agent.model("  provider: openai\n  name: o4-mini\n  api-key: ${HB_TEST_KEY}\n  thinking: { effort: huge }\n");
        TestAgent.Result effort = agent.run("config", "check");
        assertThat(effort.exit()).isEqualTo(2);
        assertThat(effort.err()).contains("model.thinking.effort").contains("minimal, low, medium, high");
    }
}
