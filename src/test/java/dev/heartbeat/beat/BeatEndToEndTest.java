package dev.heartbeat.beat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.heartbeat.audit.Decision;
import dev.heartbeat.audit.StoredDecision;
import dev.heartbeat.fakes.FakeAnthropic;
import dev.heartbeat.fakes.FakeOllama;
import dev.heartbeat.fakes.FakeOpenAi;
import dev.heartbeat.fakes.FakeProvider;
import dev.heartbeat.fakes.TestAgent;
import dev.heartbeat.fakes.WebhookReceiver;
import dev.heartbeat.store.Store;
import dev.heartbeat.transcript.AssistantMessage;
import dev.heartbeat.transcript.StoredMessage;
import dev.heartbeat.transcript.ToolCall;
import dev.heartbeat.transcript.UserMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Whole beats through the real command line against fake providers on real HTTP servers. */
class BeatEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;

    private FakeProvider fake;
    private WebhookReceiver hook;

    @AfterEach
    void stop() {
        if (fake != null) {
            fake.close();
        }
        if (hook != null) {
            hook.close();
        }
    }

    static Stream<String> providers() {
        return Stream.of("openai", "anthropic", "ollama");
    }

    private TestAgent agent(String provider) throws Exception {
        fake = switch (provider) {
            case "anthropic" -> new FakeAnthropic(TestAgent.KEY);
            case "ollama" -> new FakeOllama();
            default -> new FakeOpenAi(TestAgent.KEY);
        };
        return new TestAgent(home, fake);
    }

    private TestAgent agentWithWebhook(String provider) throws Exception {
        TestAgent agent = agent(provider);
        hook = new WebhookReceiver();
        agent.yaml("notify:\n  channels:\n    - { type: webhook, url: \"" + hook.url() + "\" }\n");
        return agent;
    }

    private static List<Decision> decisions(TestAgent agent) {
        try (Store store = agent.store()) {
            return store.decisionLog().list(null, null, 100).stream()
                    .map(StoredDecision::decision)
                    .toList();
        }
    }

    private static Decision last(TestAgent agent) {
        return decisions(agent).get(0);
    }

    /** The messages of the n-th request (0-based), as the provider received them. */
    private JsonNode messages(int n) {
        return fake.requests().get(n).path("messages");
    }

    @ParameterizedTest
    @MethodSource("providers")
    void aQuietBeatSendsTheChecklistAndRecordsQuiet(String provider) throws Exception {
        TestAgent agent = agent(provider);
        fake.text("HEARTBEAT_OK");

        TestAgent.Result r = agent.run("--once");

        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.out()).startsWith("QUIET: HEARTBEAT_OK");
        assertThat(fake.rejections()).isEmpty();
        assertThat(fake.requests()).hasSize(1);
        String request = fake.requests().get(0).toString();
        assertThat(request)
                .contains("HEARTBEAT_OK")
                .contains("Look at NOTES.md")
                .contains("read_file")
                .contains("set_state");
        Decision d = last(agent);
        assertThat(d.outcome()).isEqualTo(Decision.Outcome.QUIET);
        assertThat(d.trigger()).isEqualTo(Decision.Trigger.MANUAL);
        assertThat(d.model().provider()).isEqualTo(provider);
        assertThat(d.usage().inputTokens()).isPositive();
        try (Store store = agent.store()) {
            assertThat(store.sessions().history("test-agent"))
                    .extracting(m -> m.message().role())
                    .containsExactly("user", "assistant");
        }
    }

    @ParameterizedTest
    @MethodSource("providers")
    void anActingBeatNotifiesTheWebhookOnceWithAnIdempotencyKey(String provider) throws Exception {
        TestAgent agent = agentWithWebhook(provider);
        fake.call("notify", "{\"message\": \"Disk on db1 is 95% full\", \"severity\": \"warning\"}")
                .text("HEARTBEAT_OK");

        TestAgent.Result r = agent.run("--once");

        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(fake.rejections()).isEmpty();
        assertThat(hook.deliveries()).hasSize(1);
        WebhookReceiver.Delivery delivery = hook.deliveries().get(0);
        assertThat(delivery.body().path("message").asText()).isEqualTo("Disk on db1 is 95% full");
        assertThat(delivery.body().path("severity").asText()).isEqualTo("warning");
        assertThat(delivery.header("Idempotency-Key")).isNotBlank();
        Decision d = last(agent);
        assertThat(d.outcome()).isEqualTo(Decision.Outcome.ACTED);
        assertThat(d.toolCalls()).singleElement().satisfies(t -> {
            assertThat(t.name()).isEqualTo("notify");
            assertThat(t.executed()).isTrue();
            assertThat(t.outcome().wire()).isEqualTo("ok");
        });
        assertThat(d.notifications())
                .singleElement()
                .satisfies(n -> assertThat(n.status()).isEqualTo("sent"));
        // The second request carried the call and its result, and the provider accepted it.
        assertThat(fake.requests()).hasSize(2);
        assertThat(messages(1).toString()).contains("sent to 1 of 1 channel");
    }

    @Test
    void theSameNotificationWithinTheWindowIsSuppressedAndRecorded() throws Exception {
        TestAgent agent = agentWithWebhook("openai");
        fake.call("notify", "{\"message\": \"Backup failed\"}")
                .text("HEARTBEAT_OK")
                .call("notify", "{\"message\": \"Backup failed\"}")
                .text("HEARTBEAT_OK")
                .call("notify", "{\"message\": \"Backup failed again, second night\"}")
                .text("HEARTBEAT_OK");
        agent.run("--once");
        agent.run("--once");
        agent.run("--once");
        assertThat(hook.deliveries())
                .extracting(dl -> dl.body().path("message").asText())
                .containsExactly("Backup failed", "Backup failed again, second night");
        Decision second = decisions(agent).get(1);
        assertThat(second.notifications()).singleElement().satisfies(n -> {
            assertThat(n.status()).isEqualTo("suppressed");
            assertThat(n.detail()).contains("within 1d");
        });
        assertThat(second.toolCalls().get(0).result()).contains("not sent again");
    }

    @Test
    void aFinalAnswerOtherThanOkIsDeliveredThroughNotify() throws Exception {
        TestAgent agent = agentWithWebhook("openai");
        fake.text("The nightly backup did not run; please look at it.");

        TestAgent.Result r = agent.run("--once");

        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.out()).startsWith("ACTED: The nightly backup did not run");
        assertThat(hook.deliveries())
                .singleElement()
                .satisfies(dl -> assertThat(dl.body().path("message").asText()).contains("nightly backup"));
        assertThat(last(agent).outcome()).isEqualTo(Decision.Outcome.ACTED);
    }

    @Test
    void okWrappedInMarkdownWithPunctuationIsStillQuiet() throws Exception {
        TestAgent agent = agent("openai");
        fake.text("**HEARTBEAT_OK.**");
        assertThat(agent.run("--once").out()).startsWith("QUIET");
    }

    @Test
    void aToolErrorGoesBackToTheModelAndTheBeatGoesOn() throws Exception {
        TestAgent agent = agent("openai");
        fake.call("read_file", "{\"path\": \"missing.md\"}").text("HEARTBEAT_OK");

        TestAgent.Result r = agent.run("--once");

        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(last(agent).toolCalls())
                .singleElement()
                .satisfies(t -> assertThat(t.outcome().wire()).isEqualTo("error"));
        JsonNode toolMessage = messages(1).get(messages(1).size() - 1);
        assertThat(toolMessage.path("role").asText()).isEqualTo("tool");
        assertThat(toolMessage.path("content").asText()).contains("'missing.md' does not exist");
        assertThat(last(agent).outcome()).isEqualTo(Decision.Outcome.QUIET);
    }

    @Test
    void anUnknownToolIsAnsweredWithTheListOfTools() throws Exception {
        TestAgent agent = agent("anthropic");
        fake.call("launch_rockets", "{}").text("HEARTBEAT_OK");

        TestAgent.Result r = agent.run("--once");

        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(fake.rejections()).isEmpty();
        assertThat(last(agent).toolCalls()).singleElement().satisfies(t -> {
            assertThat(t.outcome().wire()).isEqualTo("unknown_tool");
            assertThat(t.executed()).isFalse();
        });
        assertThat(messages(1).toString())
                .contains("unknown tool 'launch_rockets'")
                .contains("read_file");
    }

    @Test
    void malformedArgumentsAreRefusedAndNothingIsWritten() throws Exception {
        TestAgent agent = agent("openai");
        fake.call("write_file", "{\"path\": \"a.md\", \"content\": \"trunc").text("HEARTBEAT_OK");

        TestAgent.Result r = agent.run("--once");

        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(fake.rejections()).isEmpty();
        assertThat(agent.workspace().resolve("a.md")).doesNotExist();
        Decision d = last(agent);
        assertThat(d.toolCalls()).singleElement().satisfies(t -> {
            assertThat(t.outcome().wire()).isEqualTo("bad_arguments");
            assertThat(t.arguments().isTextual()).as("the raw text is kept").isTrue();
        });
        assertThat(messages(1).toString()).contains("not valid JSON");
    }

    @Test
    void anEndlessToolLoopStopsAtTheStepLimit() throws Exception {
        TestAgent agent = agent("openai");
        agent.yaml("heartbeat:\n  max-steps: 3\n");
        fake.otherwise(new FakeProvider.Calls(List.of(new FakeProvider.Call(null, "list_files", "{}"))));

        TestAgent.Result r = agent.run("--once");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).startsWith("FAILED").contains("max-steps");
        assertThat(fake.served()).isEqualTo(3);
        Decision d = last(agent);
        assertThat(d.outcome()).isEqualTo(Decision.Outcome.FAILED);
        assertThat(d.toolCalls()).hasSize(3);
        assertThat(d.modelCalls()).hasSize(3);
    }

    @Test
    void aRefusedKeyFailsTheBeatWithAClearReasonAndTheKeyAppearsNowhere() throws Exception {
        TestAgent agent = agent("openai");
        String wrongKey = "sk-wrong-canary-9z8y7x6w5v4u";
        agent.env().put("HB_TEST_KEY", wrongKey);

        TestAgent.Result r = agent.run("--once", "--json");

        assertThat(r.exit()).isEqualTo(1);
        JsonNode record = JSON.readTree(r.out());
        assertThat(record.path("outcome").asText()).isEqualTo("failed");
        assertThat(record.path("reason").asText())
                .contains("refused the API key")
                .contains("model.api-key");
        assertThat(r.all()).doesNotContain(wrongKey);
        assertThat(Files.readString(agent.database(), StandardCharsets.ISO_8859_1))
                .doesNotContain(wrongKey);
    }

    @Test
    void aServerErrorFailsTheBeat() throws Exception {
        TestAgent agent = agent("openai");
        fake.status(500, "{\"error\":{\"message\":\"The server had an error\",\"type\":\"server_error\"}}");

        TestAgent.Result r = agent.run("--once");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("FAILED").contains("HTTP 500");
    }

    @Test
    void aProviderThatDoesNotAnswerTimesOut() throws Exception {
        TestAgent agent = agent("anthropic");
        agent.model("  provider: anthropic\n  name: m\n  base-url: " + fake.baseUrl() + "\n  api-key: ${HB_TEST_KEY}\n"
                + "  timeout: 1s\n  max-retries: 0\n");
        fake.hang(Duration.ofSeconds(4));

        TestAgent.Result r = agent.run("--once");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("FAILED").contains("did not answer within 1s");
    }

    @Test
    void anUnreachableProviderSaysSo() throws Exception {
        TestAgent agent = agent("openai");
        int port = fake.port();
        fake.close();
        fake = null;
        agent.model("  provider: openai\n  name: m\n  base-url: http://127.0.0.1:" + port + "/v1\n"
                + "  api-key: ${HB_TEST_KEY}\n  max-retries: 0\n");

        TestAgent.Result r = agent.run("--once");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("cannot connect to openai at http://127.0.0.1:" + port);
    }

    @Test
    void aPathOutsideTheWorkspaceIsRefusedWithAReason() throws Exception {
        TestAgent agent = agent("openai");
        fake.call("read_file", "{\"path\": \"../agent.yaml\"}")
                .call("read_file", "{\"path\": \"/etc/passwd\"}")
                .text("HEARTBEAT_OK");

        TestAgent.Result r = agent.run("--once");

        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(last(agent).toolCalls()).extracting(t -> t.outcome().wire()).containsExactly("refused", "refused");
        assertThat(messages(1).toString()).contains("leaves the workspace");
        assertThat(messages(2).toString())
                .contains("absolute paths are refused")
                .doesNotContain("root:");
    }

    @Test
    void aDryRunRecordsSideEffectsWithoutRunningThem() throws Exception {
        TestAgent agent = agentWithWebhook("openai");
        fake.call("write_file", "{\"path\": \"report.md\", \"content\": \"hello\"}")
                .text("Report written.");

        TestAgent.Result r = agent.run("--once", "--dry-run");

        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(agent.workspace().resolve("report.md")).doesNotExist();
        assertThat(hook.deliveries()).isEmpty();
        Decision d = last(agent);
        assertThat(d.dryRun()).isTrue();
        assertThat(d.toolCalls()).singleElement().satisfies(t -> {
            assertThat(t.executed()).isFalse();
            assertThat(t.outcome().wire()).isEqualTo("dry_run");
        });
        assertThat(d.notifications())
                .singleElement()
                .satisfies(n -> assertThat(n.status()).isEqualTo("dry_run"));
    }

    @Test
    void theNextBeatSeesThePreviousActingTurnButNotQuietOnes() throws Exception {
        TestAgent agent = agent("anthropic");
        fake.text("HEARTBEAT_OK");
        agent.run("--once");
        fake.call("append_note", "{\"text\": \"checked the disks\"}").text("HEARTBEAT_OK");
        agent.run("--once");
        fake.text("HEARTBEAT_OK");
        agent.run("--once");

        assertThat(fake.rejections()).isEmpty();
        JsonNode third = messages(3);
        assertThat(third.toString()).contains("checked the disks");
        // beat 2's four messages (user, tool call, result, answer) + this beat's prompt; beat 1 was quiet.
        assertThat(third).hasSize(5);
        assertThat(Files.readString(agent.workspace().resolve("NOTES.md"))).contains("checked the disks");
    }

    @ParameterizedTest
    @MethodSource("providers")
    void aHistoryLeftBrokenByACrashIsRepairedPersistedAndNeverRerun(String provider) throws Exception {
        TestAgent agent = agent(provider);
        fake.text("HEARTBEAT_OK");
        agent.run("--once");
        try (Store store = Store.open(agent.database(), Clock.systemUTC())) {
            store.sessions().append("test-agent", new UserMessage("an earlier beat"), "crashed-beat");
            store.sessions()
                    .append(
                            "test-agent",
                            new AssistantMessage(
                                    "",
                                    List.of(new ToolCall(
                                            "call_lost", "write_file", "{\"path\": \"x.md\", \"content\": \"y\"}"))),
                            "crashed-beat");
        }
        fake.text("HEARTBEAT_OK");

        TestAgent.Result r = agent.run("--once");

        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(fake.rejections()).isEmpty();
        assertThat(fake.requests().get(1).toString()).contains("call_lost").contains("outcome unknown");
        assertThat(agent.workspace().resolve("x.md"))
                .as("the interrupted call is not re-run")
                .doesNotExist();
        assertThat(last(agent).repairs()).singleElement().satisfies(rep -> {
            assertThat(rep.rule()).isEqualTo("synthesize_missing_result");
            assertThat(rep.detail()).contains("call_lost");
        });
        try (Store store = agent.store()) {
            assertThat(store.sessions().session("test-agent").orElseThrow().revision())
                    .isEqualTo(2);
            assertThat(store.repairLog().repairs("test-agent"))
                    .singleElement()
                    .satisfies(rep -> assertThat(rep.action().rule()).isEqualTo("synthesize_missing_result"));
            assertThat(store.sessions().allMessages("test-agent").size())
                    .isGreaterThan(store.sessions().history("test-agent").size());
            // The new revision keeps who wrote what, and when.
            List<StoredMessage> first = store.sessions().allMessages("test-agent");
            List<StoredMessage> now = store.sessions().history("test-agent");
            assertThat(now.get(0).beatId()).isEqualTo(first.get(0).beatId());
            assertThat(now.get(0).createdAt()).isEqualTo(first.get(0).createdAt());
            assertThat(now.get(2).beatId()).isEqualTo("crashed-beat");
        }
        // Repaired once, it stays repaired: the next beat has nothing to repair.
        fake.text("HEARTBEAT_OK");
        agent.run("--once");
        assertThat(last(agent).repairs()).isEmpty();
        assertThat(fake.rejections()).isEmpty();
    }

    @Test
    void anEmptyChecklistSkipsTheBeatWithoutAskingTheModel() throws Exception {
        TestAgent agent = agent("openai");
        agent.checklist("# Checklist\n\n## Daily\n- \n- [ ]\n<!-- - a commented-out item -->\n");

        TestAgent.Result r = agent.run("--once");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("SKIPPED: empty checklist");
        assertThat(fake.requests()).isEmpty();
        assertThat(last(agent).outcome()).isEqualTo(Decision.Outcome.SKIPPED);
    }

    @Test
    void aMissingChecklistOrADisabledHeartbeatSkips() throws Exception {
        TestAgent agent = agent("openai");
        Files.delete(agent.workspace().resolve("HEARTBEAT.md"));
        assertThat(agent.run("--once").out()).startsWith("SKIPPED: no checklist");

        agent.checklist("- check things\n").yaml("heartbeat:\n  enabled: false\n");
        assertThat(agent.run("--once").out()).startsWith("SKIPPED: heartbeat disabled");
        assertThat(fake.requests()).isEmpty();
        assertThat(decisions(agent)).hasSize(2);
    }

    @Test
    void outsideActiveHoursTheBeatSkipsUnlessForced() throws Exception {
        TestAgent agent = agent("openai");
        LocalTime now = LocalTime.now(ZoneOffset.UTC);
        String start = now.plusHours(2).withMinute(0).toString();
        String end = now.plusHours(3).withMinute(0).toString();
        agent.yaml("heartbeat:\n  active-hours: { start: \"" + start + "\", end: \"" + end + "\", timezone: UTC }\n");

        assertThat(agent.run("--once").out()).startsWith("SKIPPED: outside active hours");
        fake.text("HEARTBEAT_OK");
        assertThat(agent.run("--once", "--force").out()).startsWith("QUIET");
    }

    @Test
    void theJsonDecisionHasTheContractFields() throws Exception {
        TestAgent agent = agent("openai");
        fake.call("set_state", "{\"key\": \"last_check\", \"value\": \"monday\"}")
                .text("HEARTBEAT_OK");

        TestAgent.Result r = agent.run("--once", "--json");

        assertThat(r.exit()).as(r.all()).isZero();
        JsonNode d = JSON.readTree(r.out());
        for (String field : List.of(
                "id",
                "agent",
                "session",
                "trigger",
                "started_at",
                "finished_at",
                "outcome",
                "reason",
                "model",
                "usage",
                "tool_calls",
                "repairs",
                "prev_hash",
                "hash")) {
            assertThat(d.has(field)).as(field).isTrue();
        }
        assertThat(d.path("model").path("provider").asText()).isEqualTo("openai");
        assertThat(d.path("usage").has("input_tokens")).isTrue();
        assertThat(d.path("usage").has("output_tokens")).isTrue();
        assertThat(d.path("started_at").asText()).matches(".*T.*([+-]\\d\\d:\\d\\d|Z)$");
        assertThat(d.path("tool_calls").get(0).path("arguments").path("key").asText())
                .isEqualTo("last_check");
        assertThat(d.path("outcome").asText()).isEqualTo("acted");
        try (Store store = agent.store()) {
            assertThat(store.agentState().state("test-agent", "last_check")).contains("\"monday\"");
        }
        // The stored state reaches the next beat's prompt.
        fake.text("HEARTBEAT_OK");
        agent.run("--once");
        assertThat(messages(2).toString()).contains("last_check");
    }
}
