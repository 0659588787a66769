package dev.heartbeat.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heartbeat.audit.Decision;
import dev.heartbeat.beat.BeatOptions;
import dev.heartbeat.config.AgentConfig;
import dev.heartbeat.config.ConfigLoader;
import dev.heartbeat.daemon.AgentRuntime;
import dev.heartbeat.fakes.AgentTest;
import dev.heartbeat.fakes.MutableClock;
import dev.heartbeat.fakes.TestAgent;
import dev.heartbeat.fakes.WebhookReceiver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** deliver-hours: what is not critical waits for the window and goes out as one digest; notify test. */
class QuietHoursTest extends AgentTest {
    private static final Instant THREE_AM = Instant.parse("2026-12-02T03:00:00Z");

    private AgentConfig config(String channels) throws Exception {
        agent.yaml("notify:\n  channels:\n" + channels);
        return new ConfigLoader(agent.env()).read(agent.config());
    }

    private static Decision beat(AgentRuntime runtime) {
        return runtime.beat(new BeatOptions(Decision.Trigger.SCHEDULE, false, false));
    }

    @Test
    void aWarningAtNightWaitsForTheWindowAndACriticalDoesNot() throws Exception {
        AgentConfig config = config("    - { type: file, path: alerts.jsonl, name: pager, "
                + "deliver-hours: { start: \"08:00\", end: \"22:00\", timezone: UTC } }\n");
        Path sent = home.resolve("alerts.jsonl");
        MutableClock clock = new MutableClock(THREE_AM, ZoneOffset.UTC);
        fake.call("notify", "{\"message\": \"disk on db1 at 85%\", \"severity\": \"warning\"}")
                .text("HEARTBEAT_OK")
                .call("notify", "{\"message\": \"db1 is down\", \"severity\": \"critical\"}")
                .text("HEARTBEAT_OK")
                .call("notify", "{\"message\": \"cert for api expires in 20 days\"}")
                .text("HEARTBEAT_OK")
                .call("notify", "{\"message\": \"disk on db1 at 85%\", \"severity\": \"warning\"}")
                .text("HEARTBEAT_OK")
                .text("HEARTBEAT_OK");
        try (AgentRuntime runtime = new AgentRuntime(config, clock)) {
            Decision warning = beat(runtime);
            assertThat(warning.notifications()).singleElement().satisfies(r -> {
                assertThat(r.channel()).isEqualTo("pager");
                assertThat(r.status()).isEqualTo("held");
                assertThat(r.detail()).contains("outside deliver-hours 08:00-22:00");
            });
            assertThat(sent).doesNotExist();

            clock.advance(Duration.ofMinutes(30));
            assertThat(beat(runtime).notifications())
                    .singleElement()
                    .satisfies(r -> assertThat(r.status()).isEqualTo("sent"));
            assertThat(Files.readAllLines(sent)).singleElement().asString().contains("db1 is down");

            clock.advance(Duration.ofHours(1));
            beat(runtime);
            clock.advance(Duration.ofHours(1));
            assertThat(beat(runtime).notifications())
                    .as("the same warning again in the night is the same line of the digest")
                    .singleElement()
                    .satisfies(r -> assertThat(r.status()).isEqualTo("suppressed"));
            runtime.retryNotifications();
            assertThat(Files.readAllLines(sent)).as("still night: nothing more").hasSize(1);

            clock.set(Instant.parse("2026-12-02T08:00:05Z"));
            runtime.retryNotifications();
            List<String> lines = Files.readAllLines(sent);
            assertThat(lines).hasSize(2);
            assertThat(lines.get(1))
                    .contains("2 notification(s) held outside deliver-hours 08:00-22:00")
                    .contains("[warning 03:00] disk on db1 at 85%")
                    .contains("[info 04:30] cert for api expires in 20 days")
                    .contains("\"severity\":\"warning\"");
            runtime.retryNotifications();
            beat(runtime);
            assertThat(Files.readAllLines(sent)).as("a digest goes once").hasSize(2);
        }
    }

    @Test
    void deliverHoursAreCheckedAndTakeTheAgentsZone() throws Exception {
        AgentConfig config = config("    - { type: log, deliver-hours: { start: \"08:00\", end: \"20:00\" } }\n");
        assertThat(config.notifications().channels().get(0).deliverHours().timezone())
                .isEqualTo(config.agent().timezone());
        agent.replaceYaml(
                "notify:\n  channels:\n    - { type: log, deliver-hours: { start: \"08:00\", end: \"08:00\" } }\n");
        TestAgent.Result never = agent.run("config", "check");
        assertThat(never.exit()).isEqualTo(2);
        assertThat(never.err()).contains("notify.channels[0].deliver-hours").contains("never open");
        agent.replaceYaml("notify:\n  channels:\n    - { type: log, name: a }\n    - { type: log, name: a }\n");
        assertThat(agent.run("config", "check").err())
                .contains("notify.channels[1].name")
                .contains("another channel");
    }

    @Test
    void notifyTestSaysWhatBecameOfTheLine() throws Exception {
        try (WebhookReceiver hook = new WebhookReceiver()) {
            agent.yaml("notify:\n  channels:\n    - { type: file, path: alerts.jsonl, name: ops-file }\n"
                    + "    - { type: webhook, url: \"" + hook.url() + "\" }\n");
            TestAgent.Result all = agent.run("notify", "test");
            assertThat(all.exit()).as(all.all()).isZero();
            assertThat(all.out()).contains("ops-file: sent").contains("webhook#1: sent");
            assertThat(Files.readString(home.resolve("alerts.jsonl")))
                    .contains("heartbeat-agent test notification from test-agent to ops-file");
            assertThat(hook.deliveries()).hasSize(1);

            hook.answer(503);
            TestAgent.Result down = agent.run("notify", "test", "--channel", "webhook#1");
            assertThat(down.exit()).isEqualTo(1);
            assertThat(down.out()).startsWith("webhook#1: queued").contains("503");

            TestAgent.Result unknown = agent.run("notify", "test", "--channel", "pager");
            assertThat(unknown.exit()).isEqualTo(2);
            assertThat(unknown.err()).contains("no such channel; the channels of test-agent: ops-file, webhook#1");
        }
    }
}
