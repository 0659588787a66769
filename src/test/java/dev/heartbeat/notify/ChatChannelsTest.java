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
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Alerts where people read them: Slack's incoming webhooks and ntfy topics, through the same outbox as webhooks. */
class ChatChannelsTest extends AgentTest {
    private AgentConfig config(String channels) throws Exception {
        agent.yaml("notify:\n  channels:\n" + channels);
        return new ConfigLoader(agent.env()).read(agent.config());
    }

    @Test
    void slackGetsItsMessageJsonAndNtfyItsTextWithPriorityAndTag() throws Exception {
        try (WebhookReceiver slack = new WebhookReceiver();
                WebhookReceiver ntfy = new WebhookReceiver()) {
            agent.env().put("NTFY_TOKEN", "tk_0123456789abcdefghij");
            AgentConfig config =
                    config("    - { type: slack, url: \"" + slack.url() + "\" }\n" + "    - { type: ntfy, url: \""
                            + ntfy.url() + "\", headers: { Authorization: \"Bearer ${NTFY_TOKEN}\" } }\n");
            fake.call("notify", "{\"message\": \"disk on db1 is <full> & growing\", \"severity\": \"critical\"}")
                    .text("HEARTBEAT_OK");
            try (AgentRuntime runtime = new AgentRuntime(config, java.time.Clock.systemUTC())) {
                Decision d = runtime.beat(new BeatOptions(Decision.Trigger.SCHEDULE, false, false));
                assertThat(d.notifications())
                        .extracting(Decision.NotificationRecord::channel, Decision.NotificationRecord::status)
                        .contains(
                                org.assertj.core.groups.Tuple.tuple("slack#0", "sent"),
                                org.assertj.core.groups.Tuple.tuple("ntfy#1", "sent"));
            }
            WebhookReceiver.Delivery s = slack.deliveries().get(0);
            assertThat(s.header("Content-Type")).isEqualTo("application/json");
            assertThat(s.body().path("text").asText())
                    .isEqualTo(":rotating_light: *test-agent* (critical): disk on db1 is &lt;full&gt; &amp; growing");
            assertThat(s.header("webhook-signature")).isNull();

            WebhookReceiver.Delivery n = ntfy.deliveries().get(0);
            assertThat(n.raw()).isEqualTo("disk on db1 is <full> & growing");
            assertThat(n.header("Title")).isEqualTo("heartbeat-agent test-agent");
            assertThat(n.header("Priority")).isEqualTo("5");
            assertThat(n.header("Tags")).isEqualTo("rotating_light");
            assertThat(n.header("Authorization")).isEqualTo("Bearer tk_0123456789abcdefghij");
        }
    }

    @Test
    void aSlackThatIsDownGetsTheMessageLaterFromTheOutbox() throws Exception {
        try (WebhookReceiver slack = new WebhookReceiver()) {
            AgentConfig config = config("    - { type: slack, url: \"" + slack.url() + "\" }\n");
            MutableClock clock = new MutableClock(Instant.now(), ZoneOffset.UTC);
            slack.answer(500);
            fake.call("notify", "{\"message\": \"backup failed\", \"severity\": \"warning\"}")
                    .text("HEARTBEAT_OK");
            try (AgentRuntime runtime = new AgentRuntime(config, clock)) {
                Decision first = runtime.beat(new BeatOptions(Decision.Trigger.SCHEDULE, false, false));
                assertThat(first.notifications())
                        .filteredOn(r -> r.channel().equals("slack"))
                        .singleElement()
                        .satisfies(r -> assertThat(r.status()).isEqualTo("queued"));
                slack.answer(200);
                clock.advance(Duration.ofSeconds(11));
                runtime.retryNotifications();
            }
            assertThat(slack.deliveries()).hasSize(2);
            assertThat(slack.deliveries().get(1).body().path("text").asText())
                    .isEqualTo(":warning: *test-agent* (warning): backup failed");
        }
    }

    @Test
    void aChatChannelNeedsItsUrlAndSignsNothing() throws Exception {
        TestAgent.Result noUrl = agentWith("    - { type: slack }\n");
        assertThat(noUrl.exit()).isEqualTo(2);
        assertThat(noUrl.err()).contains("a slack channel needs url: the incoming webhook's https://hooks.slack.com");
        TestAgent.Result secret =
                agentWith("    - { type: ntfy, url: \"https://ntfy.sh/x\", secret: s3cr3t-value-1234 }\n");
        assertThat(secret.exit()).isEqualTo(2);
        assertThat(secret.err()).contains("only a webhook channel signs");
        assertThat(agentWith("    - { type: slak, url: \"https://h/x\" }\n").err())
                .contains("slack");
    }

    private TestAgent.Result agentWith(String channels) throws Exception {
        agent.replaceYaml("notify:\n  channels:\n" + channels);
        return agent.run("config", "check");
    }
}
