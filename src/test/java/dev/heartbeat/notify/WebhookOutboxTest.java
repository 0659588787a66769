package dev.heartbeat.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heartbeat.audit.Decision;
import dev.heartbeat.beat.BeatOptions;
import dev.heartbeat.config.AgentConfig;
import dev.heartbeat.config.ConfigLoader;
import dev.heartbeat.daemon.AgentRuntime;
import dev.heartbeat.fakes.AgentTest;
import dev.heartbeat.fakes.MutableClock;
import dev.heartbeat.fakes.WebhookReceiver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Webhook notifications survive a receiver that is down: outbox, backoff, Retry-After, signature, dead letter. */
class WebhookOutboxTest extends AgentTest {
    private static final String SECRET = "whsec_"
            + Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8));

    private AgentConfig config(WebhookReceiver hook) throws Exception {
        agent.yaml("notify:\n  channels:\n    - { type: webhook, url: \"" + hook.url() + "\", secret: \"" + SECRET
                + "\" }\n");
        return new ConfigLoader(agent.env()).read(agent.config());
    }

    private static List<Decision.NotificationRecord> webhook(Decision d) {
        return d.notifications().stream()
                .filter(n -> n.channel().startsWith("webhook"))
                .toList();
    }

    @Test
    void aReceiverThatIsDownGetsTheNotificationLaterOnceWithTheSameKeyAndASignature() throws Exception {
        try (WebhookReceiver hook = new WebhookReceiver()) {
            AgentConfig config = config(hook);
            MutableClock clock = new MutableClock(Instant.now(), ZoneOffset.UTC);
            hook.answer(503, "120");
            fake.call("notify", "{\"message\": \"disk on db1 is full\", \"severity\": \"critical\"}")
                    .text("HEARTBEAT_OK");
            try (AgentRuntime runtime = new AgentRuntime(config, clock)) {
                BeatOptions options = new BeatOptions(Decision.Trigger.SCHEDULE, false, false);
                Decision first = runtime.beat(options);
                assertThat(webhook(first)).singleElement().satisfies(n -> {
                    assertThat(n.status()).isEqualTo("queued");
                    assertThat(n.detail()).contains("HTTP 503").contains("outbox");
                });
                assertThat(hook.deliveries()).hasSize(1);

                hook.answer(204);
                clock.advance(Duration.ofSeconds(60));
                runtime.retryNotifications();
                assertThat(hook.deliveries()).as("Retry-After: 120 is honoured").hasSize(1);
                clock.advance(Duration.ofSeconds(61));
                runtime.retryNotifications();
                runtime.retryNotifications();
                assertThat(hook.deliveries())
                        .as("delivered once more, not twice")
                        .hasSize(2);

                WebhookReceiver.Delivery a = hook.deliveries().get(0);
                WebhookReceiver.Delivery b = hook.deliveries().get(1);
                assertThat(b.header("Idempotency-Key"))
                        .isEqualTo(a.header("Idempotency-Key"))
                        .isNotBlank();
                assertThat(b.header("webhook-id")).isEqualTo(a.header("Idempotency-Key"));
                String expected = WebhookOutbox.signature(
                        SECRET, b.header("webhook-id"), Long.parseLong(b.header("webhook-timestamp")), b.raw());
                assertThat(b.header("webhook-signature")).isEqualTo("v1," + expected);
                assertThat(b.body().path("message").asText()).isEqualTo("disk on db1 is full");

                fake.text("HEARTBEAT_OK");
                Decision next = runtime.beat(options);
                assertThat(webhook(next)).singleElement().satisfies(n -> {
                    assertThat(n.status()).isEqualTo("sent");
                    assertThat(n.detail()).contains("attempt 2").contains(first.id());
                });
            }
        }
        assertThat(agent.run("config", "check").out()).doesNotContain(SECRET);
    }

    @Test
    void afterTheLastTryTheNotificationIsADeadLetterOnRecordAndInStatus() throws Exception {
        try (WebhookReceiver hook = new WebhookReceiver()) {
            AgentConfig config = config(hook);
            MutableClock clock = new MutableClock(Instant.now(), ZoneOffset.UTC);
            hook.answer(500);
            fake.call("notify", "{\"message\": \"certificate expires\"}").text("HEARTBEAT_OK");
            try (AgentRuntime runtime = new AgentRuntime(config, clock)) {
                runtime.beat(new BeatOptions(Decision.Trigger.SCHEDULE, false, false));
                for (int i = 0; i < WebhookOutbox.BACKOFF.size(); i++) {
                    clock.advance(Duration.ofHours(7));
                    runtime.retryNotifications();
                }
                assertThat(hook.deliveries()).hasSize(WebhookOutbox.BACKOFF.size() + 1);
                clock.advance(Duration.ofHours(7));
                runtime.retryNotifications();
                assertThat(hook.deliveries()).as("no try after the last").hasSize(WebhookOutbox.BACKOFF.size() + 1);
                fake.text("HEARTBEAT_OK");
                Decision told = runtime.beat(new BeatOptions(Decision.Trigger.SCHEDULE, false, false));
                assertThat(webhook(told)).singleElement().satisfies(n -> {
                    assertThat(n.status()).isEqualTo("dead_letter");
                    assertThat(n.detail())
                            .contains("given up after 9 attempt(s)")
                            .contains("HTTP 500");
                });
            }
            JsonNode status = json(agent.run("status", "--json").out());
            assertThat(status.path("notifications").path("dead_letters").asLong())
                    .isEqualTo(1);
            assertThat(agent.run("status").out()).contains("dead letters");
        }
    }
}
