package dev.heartbeat.notify;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heartbeat.audit.Decision.NotificationRecord;
import dev.heartbeat.audit.HashChain;
import dev.heartbeat.config.AgentConfig;
import dev.heartbeat.config.Durations;
import dev.heartbeat.store.Outbox;
import dev.heartbeat.store.Store;
import dev.heartbeat.support.Json;
import dev.heartbeat.support.Redactor;
import dev.heartbeat.support.Texts;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
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
            Optional<String> closed = outsideHours(channel, severity);
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
            if (closed.isPresent()) {
                // Held, and remembered as sent: a repeat in the night is the same line of the one digest.
                sent.outbox().hold(config.agent().name(), name, severity, text, beatId);
                sent.outbox().recordSent(config.agent().name(), name, hash);
                out.add(new NotificationRecord(name, severity, "held", closed.get()));
                continue;
            }
            NotificationRecord r =
                    deliver(channel, new NotifyChannel.Delivery(name, text, severity, beatId, idempotencyKey, payload));
            out.add(r);
            if (!r.status().equals("failed")) {
                sent.outbox().recordSent(config.agent().name(), name, hash);
            }
        }
        return out;
    }

    private static NotificationRecord deliver(Channels.Named channel, NotifyChannel.Delivery d) {
        try {
            return channel.channel().deliver(d);
        } catch (IOException e) {
            return new NotificationRecord(d.channel(), d.severity(), "failed", Redactor.redact(Texts.message(e)));
        }
    }

    /**
     * Why a notification waits for the channel's digest, or empty when it goes now: outside {@code deliver-hours}
     * only a critical one goes through, so nobody is woken at 03:00 by a warning.
     */
    private Optional<String> outsideHours(Channels.Named channel, String severity) {
        AgentConfig.ActiveHours window = channel.settings().deliverHours();
        if (window == null || severity.equals("critical") || open(window)) {
            return Optional.empty();
        }
        return Optional.of("outside deliver-hours " + window.start() + "-" + window.end() + " " + window.timezone()
                + "; sent in one digest when the window opens (critical goes through at once)");
    }

    private boolean open(AgentConfig.ActiveHours window) {
        return window.contains(LocalTime.now(clock.withZone(window.timezone())));
    }

    /** How a channel is named in records: its name if it has one, else its type, numbered when there are several. */
    static String channelName(List<AgentConfig.Channel> channels, int i) {
        AgentConfig.Channel c = channels.get(i);
        if (c.name() != null) {
            return c.name();
        }
        return c.type().wire() + (channels.size() > 1 ? "#" + i : "");
    }

    /** The names {@code notify test --channel} takes. */
    public List<String> channelNames() {
        return channels.stream().map(Channels.Named::name).toList();
    }

    /**
     * Retries the webhook notifications that are due and sends the digests of channels whose window opened (at
     * every beat, and between beats in the daemon).
     */
    public void retryDue() {
        outbox.retryDue();
        sendDigests();
    }

    /**
     * Each channel whose window is open and that holds notifications gets them as one message, severity the
     * highest held; the held ones are let go once it is delivered (or queued in the outbox for its retries).
     */
    public List<NotificationRecord> sendDigests() {
        List<NotificationRecord> out = new ArrayList<>();
        String agent = config.agent().name();
        for (Channels.Named channel : channels) {
            AgentConfig.ActiveHours window = channel.settings().deliverHours();
            if (window == null || !open(window)) {
                continue;
            }
            List<Outbox.Held> held = sent.outbox().held(agent, channel.name());
            if (held.isEmpty()) {
                continue;
            }
            String severity = held.stream()
                    .map(Outbox.Held::severity)
                    .max(Comparator.comparingInt(SEVERITY_ORDER::indexOf))
                    .orElse("info");
            StringBuilder text = new StringBuilder(held.size() + " notification(s) held outside deliver-hours "
                    + window.start() + "-" + window.end() + ":");
            for (Outbox.Held h : held) {
                text.append("\n- [")
                        .append(h.severity())
                        .append(' ')
                        .append(h.heldAt()
                                .atZoneSameInstant(window.timezone())
                                .toLocalTime()
                                .withNano(0))
                        .append("] ")
                        .append(h.text());
            }
            long last = held.get(held.size() - 1).id();
            String beatId = held.get(0).beatId();
            String digest = text.toString();
            NotificationRecord r = deliver(
                    channel,
                    new NotifyChannel.Delivery(
                            channel.name(),
                            digest,
                            severity,
                            beatId,
                            "digest-" + agent + "-" + channel.name() + "-" + last,
                            Json.write(payload(digest, severity, beatId))));
            if (!r.status().equals("failed")) {
                sent.outbox().release(agent, channel.name(), last);
            }
            out.add(r);
        }
        return out;
    }

    /**
     * One line to one channel, now, whatever its window or the dedupe window say: what {@code notify test} sends
     * to show an operator the channel works. Empty when no channel has that name.
     */
    public Optional<NotificationRecord> test(String channelName, String beatId) {
        for (Channels.Named channel : channels) {
            if (channel.name().equals(channelName)) {
                String text = "heartbeat-agent test notification from "
                        + config.agent().name() + " to " + channelName + " at "
                        + OffsetDateTime.now(clock).withNano(0);
                return Optional.of(deliver(
                        channel,
                        new NotifyChannel.Delivery(
                                channelName,
                                text,
                                "info",
                                beatId,
                                beatId + ":" + channelName,
                                Json.write(payload(text, "info", beatId)))));
            }
        }
        return Optional.empty();
    }

    private static final List<String> SEVERITY_ORDER = List.of("info", "warning", "critical");

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
