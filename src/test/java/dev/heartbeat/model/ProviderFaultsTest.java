package dev.heartbeat.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heartbeat.audit.Decision;
import dev.heartbeat.beat.BeatOptions;
import dev.heartbeat.config.AgentConfig;
import dev.heartbeat.config.ConfigLoader;
import dev.heartbeat.daemon.AgentRuntime;
import dev.heartbeat.fakes.AgentTest;
import dev.heartbeat.fakes.FakeAnthropic;
import dev.heartbeat.fakes.FakeProvider;
import dev.heartbeat.fakes.MutableClock;
import dev.heartbeat.fakes.TestAgent;
import dev.heartbeat.support.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Provider faults against the fake servers: retries, Retry-After, resets, fallbacks, the breaker, deadlines. */
class ProviderFaultsTest extends AgentTest {
    private static final String ERROR_503 = "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}";

    @BeforeEach
    void setUp() throws Exception {
        model("max-retries: 2");
    }

    private void model(String extra) throws Exception {
        agent.model("  provider: openai\n  name: gpt-test\n  base-url: " + fake.baseUrl()
                + "\n  api-key: ${HB_TEST_KEY}\n" + "  timeout: 5s\n  " + extra + "\n");
    }

    /** One beat in process, its retry waits recorded and the clock moved by them: no test here sleeps. */
    @Override
    protected JsonNode beat() throws Exception {
        MutableClock clock = new MutableClock(Instant.now(), ZoneOffset.UTC);
        RecordingSleeper sleeper = new RecordingSleeper(clock);
        try (AgentRuntime runtime = sleepless(clock, sleeper)) {
            return json(Json.write(runtime.beat(new BeatOptions(Decision.Trigger.SCHEDULE, false, false))));
        }
    }

    /** The agent in process, its retry waits going to {@code sleeper}. */
    private AgentRuntime sleepless(MutableClock clock, RecordingSleeper sleeper) throws Exception {
        AgentConfig config = new ConfigLoader(agent.env()).read(agent.config());
        return new AgentRuntime(config, clock, ModelRouter.of(config.model(), clock, sleeper));
    }

    private static JsonNode attempts(JsonNode decision, int call) {
        return decision.path("model_calls").get(call).path("attempts");
    }

    /** Waits recorded, and the clock moved by them instead of sleeping. */
    private static final class RecordingSleeper implements Sleeper {
        final List<Duration> waits = new ArrayList<>();
        final MutableClock clock;

        RecordingSleeper(MutableClock clock) {
            this.clock = clock;
        }

        @Override
        public void sleep(Duration d) {
            waits.add(d);
            clock.advance(d);
        }
    }

    @Test
    void a429WithRetryAfterIsWaitedOutAndOnRecord() throws Exception {
        fake.reply(new FakeProvider.Status(429, "{\"error\":{\"message\":\"slow down\"}}", Map.of("Retry-After", "1")))
                .text("HEARTBEAT_OK");
        MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);
        RecordingSleeper sleeper = new RecordingSleeper(clock);
        try (AgentRuntime runtime = sleepless(clock, sleeper)) {
            Decision d = runtime.beat(new BeatOptions(Decision.Trigger.SCHEDULE, false, false));
            assertThat(d.outcome()).isEqualTo(Decision.Outcome.QUIET);
            assertThat(sleeper.waits).containsExactly(Duration.ofSeconds(1));
            List<Decision.AttemptRecord> attempts = d.modelCalls().get(0).attempts();
            assertThat(attempts).hasSize(2);
            assertThat(attempts.get(0).status()).isEqualTo(429);
            assertThat(attempts.get(0).waitedMs()).isEqualTo(1000);
            assertThat(attempts.get(1).status()).isEqualTo(200);
        }
    }

    @Test
    void noRetryWaitsPastTheBeatDeadline() throws Exception {
        agent.yaml("heartbeat:\n  deadline: 20s\n");
        model("max-retries: 5");
        fake.reply(new FakeProvider.Status(429, "{}", Map.of("Retry-After", "15")))
                .reply(new FakeProvider.Status(429, "{}", Map.of("Retry-After", "15")))
                .text("HEARTBEAT_OK");
        MutableClock clock = new MutableClock(Instant.now(), ZoneOffset.UTC);
        RecordingSleeper sleeper = new RecordingSleeper(clock);
        try (AgentRuntime runtime = sleepless(clock, sleeper)) {
            Decision d = runtime.beat(new BeatOptions(Decision.Trigger.SCHEDULE, false, false));
            assertThat(d.outcome()).isEqualTo(Decision.Outcome.FAILED);
            assertThat(sleeper.waits)
                    .as("the second wait would end past the deadline")
                    .hasSize(1);
            assertThat(fake.served()).isEqualTo(2);
        }
    }

    @Test
    void retryAfterMsIsReadToo() throws Exception {
        fake.reply(new FakeProvider.Status(429, "{}", Map.of("retry-after-ms", "150")))
                .text("HEARTBEAT_OK");
        JsonNode d = beat();
        assertThat(attempts(d, 0).get(0).path("waited_ms").asLong()).isEqualTo(150);
    }

    @Test
    void bursts503And529AreRetriedWithBackoffUpToTheLimit() throws Exception {
        fake.status(503, ERROR_503).status(529, ERROR_503).text("HEARTBEAT_OK");
        JsonNode d = beat();
        assertThat(d.path("outcome").asText()).isEqualTo("quiet");
        assertThat(attempts(d, 0)).extracting(a -> a.path("status").asInt()).containsExactly(503, 529, 200);

        fake.status(503, ERROR_503)
                .status(503, ERROR_503)
                .status(503, ERROR_503)
                .text("never reached");
        JsonNode failed = beat();
        assertThat(failed.path("outcome").asText()).isEqualTo("failed");
        assertThat(attempts(failed, 0)).hasSize(3);
        assertThat(failed.path("reason").asText()).contains("HTTP 503");
    }

    @Test
    void otherClientErrorsAreNeverRetried() throws Exception {
        fake.status(400, "{\"error\":{\"message\":\"bad request\"}}").text("HEARTBEAT_OK");
        JsonNode d = beat();
        assertThat(d.path("outcome").asText()).isEqualTo("failed");
        assertThat(attempts(d, 0)).hasSize(1);
        assertThat(fake.served()).isEqualTo(1);
    }

    @Test
    void aRetryAfterBeyondTheCapGivesUpAtOnce() throws Exception {
        fake.reply(new FakeProvider.Status(429, "{}", Map.of("Retry-After", "3600")))
                .text("HEARTBEAT_OK");
        JsonNode d = beat();
        assertThat(d.path("outcome").asText()).isEqualTo("failed");
        assertThat(attempts(d, 0)).hasSize(1);
        assertThat(attempts(d, 0).get(0).path("error").asText()).contains("Retry-After beyond the cap");
    }

    @Test
    void aConnectionResetMidBodyIsRetried() throws Exception {
        fake.reply(new FakeProvider.Reset()).text("HEARTBEAT_OK");
        JsonNode d = beat();
        assertThat(d.path("outcome").asText()).as(d.toString()).isEqualTo("quiet");
        assertThat(attempts(d, 0).get(0).path("status").asInt()).isZero();
        assertThat(attempts(d, 0).get(0).path("error").asText()).isNotBlank();
    }

    @Test
    void aFallbackTakesOverWhenThePrimaryFails() throws Exception {
        try (FakeAnthropic fallback = new FakeAnthropic(TestAgent.KEY)) {
            fallback.text("HEARTBEAT_OK");
            model("max-retries: 0\n  fallbacks:\n    - { provider: anthropic, name: claude-test, base-url: \""
                    + fallback.baseUrl() + "\", api-key: \"${HB_TEST_KEY}\" }");
            fake.status(500, ERROR_503);
            JsonNode d = beat();
            assertThat(d.path("outcome").asText()).as(d.toString()).isEqualTo("quiet");
            JsonNode calls = d.path("model_calls");
            assertThat(calls).hasSize(2);
            assertThat(calls.get(0).path("error").asText())
                    .contains("openai gpt-test")
                    .contains("HTTP 500");
            assertThat(calls.get(1).path("gen_ai.provider.name").asText()).isEqualTo("anthropic");
            assertThat(calls.get(1).path("gen_ai.request.model").asText()).isEqualTo("claude-test");
            assertThat(fallback.rejections()).isEmpty();
        }
    }

    @Test
    void costAndBudgetUseThePriceOfTheModelThatAnswered() throws Exception {
        try (FakeAnthropic fallback = new FakeAnthropic(TestAgent.KEY)) {
            fallback.text("HEARTBEAT_OK");
            model("max-retries: 0\n  fallbacks:\n    - { provider: anthropic, name: claude-test, base-url: \""
                    + fallback.baseUrl() + "\", api-key: \"${HB_TEST_KEY}\" }");
            agent.yaml(
                    "pricing:\n  gpt-test: { input: 1.0, output: 1.0 }\n  claude-test: { input: 100.0, output: 100.0 }\n");
            fake.status(500, ERROR_503);
            JsonNode d = beat();
            assertThat(d.path("outcome").asText()).as(d.toString()).isEqualTo("quiet");
            long in = d.path("usage").path("input_tokens").asLong();
            long out = d.path("usage").path("output_tokens").asLong();
            assertThat(in + out).isPositive();
            assertThat(d.path("cost_usd").asDouble()).isCloseTo((in + out) * 100.0 / 1_000_000, Offset.offset(1e-9));
            assertThat(d.path("model").path("provider").asText()).isEqualTo("anthropic");
            assertThat(d.path("model").path("name").asText()).isEqualTo("claude-test");
        }
    }

    @Test
    void theBreakerOpensAfterFailuresAndAProbeClosesItAfterTheCoolDown() throws Exception {
        model("max-retries: 0\n  breaker: { failures: 2, cool-down: 30s }");
        AgentConfig config = new ConfigLoader(agent.env()).read(agent.config());
        MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);
        fake.status(500, ERROR_503).status(500, ERROR_503).text("HEARTBEAT_OK");
        try (AgentRuntime runtime = new AgentRuntime(config, clock)) {
            BeatOptions options = new BeatOptions(Decision.Trigger.SCHEDULE, false, false);
            assertThat(runtime.beat(options).outcome()).isEqualTo(Decision.Outcome.FAILED);
            assertThat(runtime.beat(options).outcome()).isEqualTo(Decision.Outcome.FAILED);
            Decision open = runtime.beat(options);
            assertThat(open.reason()).contains("circuit breaker is open");
            assertThat(fake.served()).as("no request while the breaker is open").isEqualTo(2);
            clock.advance(Duration.ofSeconds(31));
            assertThat(runtime.beat(options).outcome()).isEqualTo(Decision.Outcome.QUIET);
            fake.text("HEARTBEAT_OK");
            assertThat(runtime.beat(options).outcome()).as("closed again").isEqualTo(Decision.Outcome.QUIET);
        }
    }

    @Test
    void anAgentThatStopsWorkingSaysSoOnceAndOnceWhenItRecovers() throws Exception {
        model("max-retries: 0\n  breaker: { failures: 2, cool-down: 30s }");
        Path sent = home.resolve("alerts.jsonl");
        agent.yaml("notify:\n  alert-after-failures: 3\n  channels:\n    - { type: file, path: \"" + sent + "\" }\n");
        AgentConfig config = new ConfigLoader(agent.env()).read(agent.config());
        MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);
        fake.status(500, ERROR_503).status(500, ERROR_503);
        try (AgentRuntime runtime = new AgentRuntime(config, clock)) {
            BeatOptions options = new BeatOptions(Decision.Trigger.SCHEDULE, false, false);
            List<String> said = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Decision d = runtime.beat(options);
                assertThat(d.outcome()).isEqualTo(Decision.Outcome.FAILED);
                said.add(newLines(sent, said));
                clock.advance(Duration.ofSeconds(5));
            }
            assertThat(said.get(0)).isEmpty();
            assertThat(said.get(1)).contains("circuit breaker").contains("opened");
            assertThat(said.get(2)).contains("3 beats in a row");
            assertThat(said.get(3)).as("said once, not at every failed beat").isEmpty();

            clock.advance(Duration.ofSeconds(31));
            fake.text("HEARTBEAT_OK");
            assertThat(runtime.beat(options).outcome()).isEqualTo(Decision.Outcome.QUIET);
            said.add(newLines(sent, said));
            assertThat(said.get(4)).contains("works again").contains("4 failed beat");
            fake.text("HEARTBEAT_OK");
            runtime.beat(options);
            assertThat(newLines(sent, said)).isEmpty();
        }
    }

    /** What the file channel got since the texts already seen. */
    private static String newLines(Path file, List<String> seen) throws Exception {
        String all = Files.exists(file) ? Files.readString(file) : "";
        return all.substring(String.join("", seen).length());
    }

    @Test
    void theBeatDeadlineBoundsASlowProvider() throws Exception {
        agent.yaml("heartbeat:\n  deadline: 2s\n");
        agent.model("  provider: openai\n  name: gpt-test\n  base-url: " + fake.baseUrl() + "\n"
                + "  api-key: ${HB_TEST_KEY}\n  timeout: 60s\n  max-retries: 2\n");
        fake.hang(Duration.ofSeconds(20));
        long start = System.nanoTime();
        JsonNode d = beat();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(d.path("outcome").asText()).isEqualTo("failed");
        assertThat(attempts(d, 0).get(0).path("error").asText()).contains("timed out");
    }

    @Test
    void backoffGrowsWithJitterAndHonoursItsCeiling() {
        RetryPolicy policy = RetryPolicy.of(5);
        Set<Long> seen = new HashSet<>();
        for (int attempt = 1; attempt <= 8; attempt++) {
            long base = Math.min(30_000, 500L << (attempt - 1));
            for (int i = 0; i < 50; i++) {
                long d = policy.delay(attempt, Optional.empty()).orElseThrow().toMillis();
                assertThat(d).isBetween((long) (base * 0.5), (long) (base * 1.5));
                seen.add(d);
            }
        }
        assertThat(seen).as("randomised").hasSizeGreaterThan(100);
        assertThat(policy.delay(1, Optional.of(Duration.ofSeconds(61))))
                .as("beyond the cap")
                .isEmpty();
        assertThat(RetryPolicy.retryable(408)).isTrue();
        assertThat(RetryPolicy.retryable(409)).isTrue();
        assertThat(RetryPolicy.retryable(529)).isTrue();
        assertThat(RetryPolicy.retryable(401)).isFalse();
        assertThat(RetryPolicy.retryable(404)).isFalse();
    }
}
