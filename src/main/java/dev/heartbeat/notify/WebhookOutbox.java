package dev.heartbeat.notify;

import dev.heartbeat.audit.Decision.NotificationRecord;
import dev.heartbeat.audit.HashChain;
import dev.heartbeat.config.AgentConfig;
import dev.heartbeat.config.ChannelType;
import dev.heartbeat.model.RetryPolicy;
import dev.heartbeat.store.Outbox;
import dev.heartbeat.store.Store;
import dev.heartbeat.support.Faults;
import dev.heartbeat.support.Redactor;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Delivery by HTTP post (webhook, Slack, ntfy; each shapes its request) that survives a receiver that is down: a notification is written to the outbox before
 * its first attempt, retried with backoff (honouring {@code Retry-After}) at later beats and by the daemon
 * between them, and given up on as a dead letter after the last try. Every attempt carries the same
 * {@code Idempotency-Key} (and {@code webhook-id}), and is signed when the channel has a secret.
 */
final class WebhookOutbox {
    /** Waits before attempts 2, 3, ...: about ten and a half hours in all, then a dead letter. */
    static final List<Duration> BACKOFF = List.of(
            Duration.ofSeconds(10),
            Duration.ofSeconds(30),
            Duration.ofMinutes(1),
            Duration.ofMinutes(5),
            Duration.ofMinutes(15),
            Duration.ofHours(1),
            Duration.ofHours(3),
            Duration.ofHours(6));

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final AgentConfig config;
    private final Clock clock;
    private final Store store;
    private @Nullable HttpClient http;
    /**
     * When the outbox is next worth a look: the earliest retry this process knows of, and at least every
     * 30 s (another node may have queued one). An idle daemon then does not query the store every second.
     */
    private volatile Instant nextLook = Instant.MIN;

    private static final Duration LOOK_EVERY = Duration.ofSeconds(30);

    WebhookOutbox(AgentConfig config, Clock clock, Store store) {
        this.config = config;
        this.clock = clock;
        this.store = store;
    }

    /** Built at the first post: a beat with no HTTP channel (or nothing to send) never builds one. */
    private synchronized HttpClient http() {
        HttpClient client = http;
        if (client == null) {
            client = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(TIMEOUT)
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .build();
            http = client;
        }
        return client;
    }

    /** Queues the notification, tries it once now, and says what became of that try. */
    NotificationRecord send(
            String name, AgentConfig.Channel channel, String body, String severity, String beatId, String key) {
        Outbox.Outgoing row = store.outbox().enqueue(config.agent().name(), beatId, name, key, severity, body);
        if (!row.status().equals("pending")) {
            return new NotificationRecord(
                    name,
                    severity,
                    row.status().equals("delivered") ? "sent" : "failed",
                    "already " + row.status() + " under Idempotency-Key " + key);
        }
        Settled settled = attempt(row, channel, true);
        return new NotificationRecord(name, severity, settled.status(), settled.detail());
    }

    /** Attempts every notification whose retry is due; what settles is told by the next beat's decision. */
    void retryDue() {
        Instant now = clock.instant();
        if (now.isBefore(nextLook)) {
            return;
        }
        nextLook = now.plus(LOOK_EVERY);
        for (Outbox.Outgoing row : store.outbox().dueOutgoing(config.agent().name(), now)) {
            if (!store.outbox().claimOutgoing(row.id())) {
                continue;
            }
            Optional<AgentConfig.Channel> channel = channel(row.channel());
            if (channel.isEmpty()) {
                store.outbox()
                        .attempted(
                                row.id(),
                                row.attempts(),
                                "dead",
                                null,
                                "the channel " + row.channel() + " is no longer configured",
                                false);
                continue;
            }
            attempt(row, channel.get(), false);
        }
    }

    /** Notifications that settled since the last decision told of them, as records for this beat's decision. */
    List<NotificationRecord> settled() {
        List<NotificationRecord> out = new ArrayList<>();
        List<Long> told = new ArrayList<>();
        for (Outbox.Outgoing row :
                store.outbox().unreportedOutgoing(config.agent().name())) {
            boolean delivered = row.status().equals("delivered");
            out.add(new NotificationRecord(
                    row.channel(),
                    row.severity(),
                    delivered ? "sent" : "dead_letter",
                    (delivered
                                    ? "delivered on attempt " + row.attempts()
                                    : "given up after " + row.attempts() + " attempt(s): " + row.lastError())
                            + " (queued by beat " + row.beatId() + ", "
                            + "Idempotency-Key " + row.receiverKey() + ")"));
            told.add(row.id());
        }
        if (!told.isEmpty()) {
            store.outbox().markReported(told);
        }
        return out;
    }

    private record Settled(String status, String detail) {}

    private Settled attempt(Outbox.Outgoing row, AgentConfig.Channel channel, boolean first) {
        int attempt = row.attempts() + 1;
        Delivery d = deliver(channel, row);
        Faults.point("mid-webhook");
        if (d.ok()) {
            store.outbox().attempted(row.id(), attempt, "delivered", null, null, first);
            return new Settled(
                    "sent",
                    (channel.type() == ChannelType.EMAIL ? "SMTP " : "HTTP ")
                            + d.status()
                            + (attempt > 1 ? " on attempt " + attempt : ""));
        }
        String error = Redactor.redact(Objects.requireNonNullElse(d.error(), "no answer"));
        if (!d.retryable() || attempt > BACKOFF.size()) {
            store.outbox().attempted(row.id(), attempt, "dead", null, error, first);
            return new Settled("failed", "dead letter after " + attempt + " attempt(s): " + error);
        }
        Duration wait = BACKOFF.get(attempt - 1);
        if (d.retryAfter().isPresent() && d.retryAfter().get().compareTo(wait) > 0) {
            Duration cap = BACKOFF.get(BACKOFF.size() - 1);
            wait = d.retryAfter().get().compareTo(cap) > 0
                    ? cap
                    : d.retryAfter().get();
        }
        Instant next = clock.instant().plus(wait);
        store.outbox().attempted(row.id(), attempt, "pending", next, error, false);
        if (next.isBefore(nextLook)) {
            nextLook = next;
        }
        return new Settled(
                "queued",
                error + "; in the outbox, retried at " + next + " (attempt " + (attempt + 1) + " of "
                        + (BACKOFF.size() + 1) + ")");
    }

    /**
     * One attempt's result: delivered, the status the receiver gave (HTTP, or SMTP's reply code; 0 without an
     * answer), why not, whether a later try may work, and how long the receiver asked to wait.
     */
    record Delivery(boolean ok, int status, @Nullable String error, boolean retryable, Optional<Duration> retryAfter) {}

    private Delivery deliver(AgentConfig.Channel channel, Outbox.Outgoing row) {
        if (channel.type() == ChannelType.EMAIL) {
            return EmailChannel.send(channel, row, config.agent().name());
        }
        long timestamp = clock.instant().getEpochSecond();
        URI url = Objects.requireNonNull(channel.url(), "checked by the loader");
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .timeout(TIMEOUT)
                .header("User-Agent", "heartbeat-agent")
                .POST(HttpRequest.BodyPublishers.ofString(row.body(), StandardCharsets.UTF_8));
        switch (channel.type()) {
            case WEBHOOK -> {
                String key = row.receiverKey();
                request.header("Content-Type", "application/json")
                        .header("Idempotency-Key", key)
                        .header("webhook-id", key)
                        .header("webhook-timestamp", Long.toString(timestamp));
                String secret = channel.secret().value();
                if (secret != null && !secret.isBlank()) {
                    request.header("webhook-signature", "v1," + signature(secret, key, timestamp, row.body()));
                }
            }
            case SLACK -> SlackChannel.shape(request);
            case NTFY -> NtfyChannel.shape(request, config.agent().name(), row.severity());
            case LOG, FILE, EMAIL -> throw new IllegalStateException(channel.type() + " notifications are not posted");
        }
        channel.headers().forEach((k, v) -> request.header(k, v.value()));
        try {
            HttpResponse<String> response = http().send(request.build(), HttpResponse.BodyHandlers.ofString());
            int status = response.statusCode();
            if (status / 100 == 2) {
                return new Delivery(true, status, null, false, Optional.empty());
            }
            String body = response.body();
            return new Delivery(
                    false,
                    status,
                    "HTTP " + status + (body.isBlank() ? "" : ": " + body.substring(0, Math.min(200, body.length()))),
                    RetryPolicy.retryable(status),
                    RetryPolicy.retryAfter(
                            response.headers().firstValue("retry-after-ms"),
                            response.headers().firstValue("retry-after")));
        } catch (ConnectException e) {
            return new Delivery(false, 0, "cannot connect to " + url.getHost(), true, Optional.empty());
        } catch (HttpTimeoutException e) {
            return new Delivery(false, 0, "no answer within " + TIMEOUT.toSeconds() + "s", true, Optional.empty());
        } catch (IOException e) {
            return new Delivery(
                    false,
                    0,
                    e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()),
                    true,
                    Optional.empty());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Delivery(false, 0, "interrupted", true, Optional.empty());
        }
    }

    /**
     * Standard Webhooks: base64 HMAC-SHA256 of {@code id.timestamp.body} under the secret (a {@code whsec_}
     * secret is base64 after its prefix; any other is used as its UTF-8 bytes).
     */
    static String signature(String secret, String id, long timestamp, String body) {
        byte[] key = secret.startsWith("whsec_")
                ? Base64.getDecoder().decode(secret.substring(6))
                : secret.getBytes(StandardCharsets.UTF_8);
        return Base64.getEncoder().encodeToString(HashChain.hmacSha256(key, id + "." + timestamp + "." + body));
    }

    private Optional<AgentConfig.Channel> channel(String name) {
        List<AgentConfig.Channel> channels = config.notifications().channels();
        for (int i = 0; i < channels.size(); i++) {
            if (Notifier.channelName(channels, i).equals(name)
                    && channels.get(i).type().outboxed()) {
                return Optional.of(channels.get(i));
            }
        }
        return Optional.empty();
    }
}
