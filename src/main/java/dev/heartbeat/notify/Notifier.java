package dev.heartbeat.notify;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heartbeat.audit.Decision.NotificationRecord;
import dev.heartbeat.audit.HashChain;
import dev.heartbeat.config.AgentConfig;
import dev.heartbeat.config.Durations;
import dev.heartbeat.store.Store;
import dev.heartbeat.support.Json;
import dev.heartbeat.support.Redactor;
import dev.heartbeat.support.Texts;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Delivers a message to the operator through every configured channel (see {@link NotifyChannel}), with
 * secrets masked, dry runs recorded, and a text a channel already had within the dedupe window suppressed.
 */
public final class Notifier {
    public static final Set<String> SEVERITIES = Set.of("info", "warning", "critical");

    private final AgentConfig config;
    private final Clock clock;
    private final Store sent;
    private final WebhookOutbox outbox;
    private final List<Channels.Named> channels;

    /** {@code sent} remembers what went where, so the same text is not sent twice within the dedupe window. */
    public Notifier(AgentConfig config, Clock clock, Store sent) {
        this.config = config;
        this.clock = clock;
        this.sent = sent;
        this.outbox = new WebhookOutbox(config, clock, sent);
        this.channels = Channels.of(config, outbox);
    }

    /**
     * Sends to every channel and reports each one's fate; one failing channel does not stop the others.
     * {@code idempotencyKey} travels with webhook posts so a receiver can drop a repeat.
     */
    public List<NotificationRecord> send(
            String message, String severity, String beatId, String idempotencyKey, boolean dryRun) {
        String text = Redactor.redact(message);
        String payload = Json.write(payload(text, severity, beatId));
        List<NotificationRecord> out = new ArrayList<>();
        for (Channels.Named channel : channels) {
            String name = channel.name();
            if (dryRun) {
                out.add(new NotificationRecord(name, severity, "dry_run", "would have sent"));
                continue;
            }
            String hash = textHash(name, text);
            Duration window = config.notifications().dedupeWindow();
            if (!window.isZero()
                    && sent.outbox()
                            .sentSince(
                                    config.agent().name(),
                                    name,
                                    hash,
                                    OffsetDateTime.now(clock).minus(window))) {
                out.add(new NotificationRecord(
                        name,
                        severity,
                        "suppressed",
                        "the same text went to this channel within " + Durations.format(window)
                                + " (notify.dedupe-window)"));
                continue;
            }
            NotificationRecord r;
            try {
                r = channel.channel()
                        .deliver(new NotifyChannel.Delivery(name, text, severity, beatId, idempotencyKey, payload));
            } catch (IOException e) {
                r = new NotificationRecord(name, severity, "failed", Redactor.redact(Texts.message(e)));
            }
            out.add(r);
            if (!r.status().equals("failed")) {
                sent.outbox().recordSent(config.agent().name(), name, hash);
            }
        }
        return out;
    }

    /** How a channel is named in records: its type, numbered when there are several. */
    static String channelName(List<AgentConfig.Channel> channels, int i) {
        return channels.get(i).type().wire() + (channels.size() > 1 ? "#" + i : "");
    }

    /** Retries the webhook notifications that are due (at every beat, and between beats in the daemon). */
    public void retryDue() {
        outbox.retryDue();
    }

    /** Webhook notifications that were delivered late or given up on since a decision last told of them. */
    public List<NotificationRecord> settled() {
        return outbox.settled();
    }

    private static String textHash(String channel, String text) {
        return HashChain.sha256(channel + "\n" + text.strip());
    }

    private ObjectNode payload(String text, String severity, String beatId) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("agent", config.agent().name());
        body.put("severity", severity);
        body.put("message", text);
        body.put("beat_id", beatId);
        body.put("sent_at", OffsetDateTime.now(clock).toString());
        return body;
    }
}
