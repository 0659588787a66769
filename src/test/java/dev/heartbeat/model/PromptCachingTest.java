package dev.heartbeat.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.heartbeat.fakes.FakeAnthropic;
import dev.heartbeat.fakes.FakeProvider;
import dev.heartbeat.fakes.TestAgent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Anthropic prompt caching against a fake that keeps the API's cache rules (at most four breakpoints, ephemeral,
 * 5m or 1h, no 1h after a 5m, nothing under 1,024 tokens cached) and reports cache writes and reads: the stable
 * prefix (tools, then the system prompt) is marked, byte-identical from beat to beat, read by the next beat,
 * recorded and priced.
 */
class PromptCachingTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;

    private FakeAnthropic fake;
    private TestAgent agent;

    @BeforeEach
    void start() throws Exception {
        fake = new FakeAnthropic(TestAgent.KEY);
        fake.otherwise(new FakeProvider.Text("HEARTBEAT_OK"));
        agent = new TestAgent(home, fake);
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    private void model(String more) throws Exception {
        agent.model("  provider: anthropic\n  name: claude-test\n  base-url: " + fake.baseUrl()
                + "\n  api-key: ${HB_TEST_KEY}\n  timeout: 3s\n  max-retries: 0\n" + more);
    }

    private JsonNode beat() throws Exception {
        TestAgent.Result r = agent.run("--once", "--json");
        assertThat(r.exit()).as(r.all()).isZero();
        return JSON.readTree(r.out());
    }

    /** Where the request carries cache_control, and with which TTL. */
    private static List<String> marks(JsonNode request) {
        List<String> out = new ArrayList<>();
        JsonNode tools = request.path("tools");
        for (int i = 0; i < tools.size(); i++) {
            if (tools.get(i).has("cache_control")) {
                out.add("tools." + i + " " + tools.get(i).path("cache_control"));
            }
        }
        JsonNode system = request.path("system");
        for (int i = 0; i < system.size(); i++) {
            if (system.get(i).has("cache_control")) {
                out.add("system." + i + " " + system.get(i).path("cache_control"));
            }
        }
        if (request.path("messages").toString().contains("cache_control")) {
            out.add("messages");
        }
        return out;
    }

    @Test
    void theStablePrefixIsMarkedForAnHourAtHalfHourlyBeatsAndTheNextBeatReadsIt() throws Exception {
        model("");
        // A tool list as long as real agents carry (over the API's 1,024-token minimum, as with MCP servers).
        agent.yaml("tools:\n  run_command:\n    allow: [" + String.join(", ", programs(400)) + "]\n"
                + "pricing:\n  claude-test: { input: 3.0, output: 15.0, cache-read: 0.3, cache-write: 6.0 }\n");

        JsonNode first = beat();
        JsonNode second = beat();

        JsonNode request = fake.requests().get(0);
        int lastTool = request.path("tools").size() - 1;
        int lastSystem = request.path("system").size() - 1;
        assertThat(marks(request))
                .containsExactly(
                        "tools." + lastTool + " {\"type\":\"ephemeral\",\"ttl\":\"1h\"}",
                        "system." + lastSystem + " {\"type\":\"ephemeral\",\"ttl\":\"1h\"}");
        assertThat(fake.rejections()).isEmpty();
        String prefix0 = request.path("tools").toString() + request.path("system");
        JsonNode again = fake.requests().get(1);
        assertThat(again.path("tools").toString() + again.path("system"))
                .as("byte-identical from beat to beat")
                .isEqualTo(prefix0);

        JsonNode written = first.path("model_calls").get(0);
        assertThat(written.path("gen_ai.usage.cache_creation.input_tokens").asLong())
                .isGreaterThan(FakeAnthropic.CACHE_MINIMUM_TOKENS);
        assertThat(written.path("gen_ai.usage.cache_read.input_tokens").asLong())
                .isZero();
        JsonNode read = second.path("model_calls").get(0);
        long cacheRead = read.path("gen_ai.usage.cache_read.input_tokens").asLong();
        assertThat(cacheRead)
                .isEqualTo(
                        written.path("gen_ai.usage.cache_creation.input_tokens").asLong());
        assertThat(read.path("gen_ai.usage.cache_creation.input_tokens").isMissingNode())
                .as("nothing new written")
                .isTrue();
        long in = read.path("gen_ai.usage.input_tokens").asLong();
        assertThat(in).as("input tokens count the cached part too").isGreaterThan(cacheRead);
        assertThat(second.path("usage").path("cached_input_tokens").asLong()).isEqualTo(cacheRead);
        long out = read.path("gen_ai.usage.output_tokens").asLong();
        double expected = ((in - cacheRead) * 3.0 + cacheRead * 0.3 + out * 15.0) / 1_000_000.0;
        assertThat(second.path("cost_usd").asDouble()).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-9));
        long writtenTokens =
                written.path("gen_ai.usage.cache_creation.input_tokens").asLong();
        long firstIn = written.path("gen_ai.usage.input_tokens").asLong();
        double firstCost = ((firstIn - writtenTokens) * 3.0
                        + writtenTokens * 6.0
                        + written.path("gen_ai.usage.output_tokens").asLong() * 15.0)
                / 1_000_000.0;
        assertThat(first.path("cost_usd").asDouble()).isCloseTo(firstCost, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(first.path("usage").path("cache_write_input_tokens").asLong())
                .isEqualTo(writtenTokens);
    }

    @Test
    void beatsMinutesApartUseTheDefaultTtlAndCacheOffSendsNoMark() throws Exception {
        model("");
        agent.yaml("heartbeat:\n  every: 2m\n");
        beat();
        assertThat(marks(fake.requests().get(0))).allMatch(m -> m.endsWith("{\"type\":\"ephemeral\"}"));

        model("  cache: \"off\"\n");
        beat();
        assertThat(marks(fake.requests().get(1))).isEmpty();
        assertThat(fake.rejections()).isEmpty();
    }

    @Test
    void aBadCacheSettingIsNamedWithItsKey() throws Exception {
        model("  cache: 2h\n");
        TestAgent.Result r = agent.run("config", "check");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("model.cache").contains("'2h' is not auto, off, 5m or 1h");
    }

    /** The fake refuses what the API refuses, so a wrong placement fails the tests above instead of passing. */
    @Test
    void theFakeRefusesFiveBreakpointsAndAnHourAfterFiveMinutes() throws Exception {
        String block = "{\"type\": \"text\", \"text\": \"x\", \"cache_control\": {\"type\": \"ephemeral\"}}";
        String five = "{\"model\": \"m\", \"max_tokens\": 10, \"system\": [" + block + ", " + block + ", " + block
                + "], \"messages\": [{\"role\": \"user\", \"content\": [" + block + ", " + block + "]}]}";
        assertThat(post(five)).contains("A maximum of 4 blocks with cache_control may be provided. Found 5.");
        String order = "{\"model\": \"m\", \"max_tokens\": 10, \"system\": [" + block
                + "], \"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"text\", \"text\": \"y\", "
                + "\"cache_control\": {\"type\": \"ephemeral\", \"ttl\": \"1h\"}}]}]}";
        assertThat(post(order)).contains("must not come after a ttl='5m'");
    }

    private String post(String body) throws Exception {
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(fake.baseUrl() + "messages"))
                                .header("x-api-key", TestAgent.KEY)
                                .header("anthropic-version", "2023-06-01")
                                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(400);
        return r.body();
    }

    private static List<String> programs(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add("check-" + i);
        }
        return out;
    }
}
