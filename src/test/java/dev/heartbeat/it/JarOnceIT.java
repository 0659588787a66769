package dev.heartbeat.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.heartbeat.fakes.FakeOpenAi;
import dev.heartbeat.fakes.JarProcess;
import dev.heartbeat.fakes.TestAgent;
import dev.heartbeat.fakes.WebhookReceiver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar, run as a process: what a user gets from the README. */
class JarOnceIT {
    @TempDir
    Path home;

    @Test
    void aQuietAndAnActingBeatFromTheJar() throws Exception {
        try (FakeOpenAi fake = new FakeOpenAi(TestAgent.KEY); WebhookReceiver hook = new WebhookReceiver()) {
            TestAgent agent = new TestAgent(home, fake);
            agent.yaml("notify:\n  channels:\n    - { type: webhook, url: \"" + hook.url() + "\" }\n");
            Map<String, String> env = Map.of("HB_TEST_KEY", TestAgent.KEY);
            String config = agent.config().toString();

            fake.text("HEARTBEAT_OK");
            JarProcess.Result quiet = JarProcess.run(env, "--config", config, "--once");
            assertThat(quiet.exit()).as(quiet.err()).isZero();
            assertThat(quiet.out()).startsWith("QUIET: HEARTBEAT_OK");

            fake.call("notify", "{\"message\": \"certificate expires in 3 days\", \"severity\": \"warning\"}")
                    .text("HEARTBEAT_OK");
            JarProcess.Result acting = JarProcess.run(env, "--config", config, "--once", "--json");
            assertThat(acting.exit()).as(acting.err()).isZero();
            JsonNode record = new ObjectMapper().readTree(acting.out());
            assertThat(record.path("outcome").asText()).isEqualTo("acted");
            assertThat(hook.deliveries()).hasSize(1);
            assertThat(fake.rejections()).isEmpty();

            JarProcess.Result verify = JarProcess.run(env, "--config", config, "decisions", "verify");
            assertThat(verify.exit()).isZero();
            assertThat(verify.out()).contains("intact: 2 record(s)");

            for (JarProcess.Result r : new JarProcess.Result[] {quiet, acting, verify}) {
                assertThat(r.out() + r.err()).doesNotContain(TestAgent.KEY);
            }
            assertThat(Files.readString(agent.database(), StandardCharsets.ISO_8859_1)).doesNotContain(TestAgent.KEY);
        }
    }

    @Test
    void aBadConfigIsOneLineOnStderrAndExitTwo() throws Exception {
        Path config = home.resolve("agent.yaml");
        Files.writeString(config, "model:\n  provider: openai\n  name: gpt-4o-mini\n  api-key: ${NO_SUCH_KEY_VAR}\n");
        JarProcess.Result r = JarProcess.run(Map.of(), "--config", config.toString(), "--once");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).contains(config + ":4: model.api-key").contains("NO_SUCH_KEY_VAR is not set");
    }

    @Test
    void helpTeachesAndVersionAnswers() throws Exception {
        JarProcess.Result help = JarProcess.run(Map.of(), "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("--once").contains("decisions").contains("Examples:");
        JarProcess.Result version = JarProcess.run(Map.of(), "--version");
        assertThat(version.out()).startsWith("heartbeat-agent 0.1.0");
    }
}
