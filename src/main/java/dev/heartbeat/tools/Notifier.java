package dev.heartbeat.tools;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heartbeat.audit.Decision.NotificationRecord;
import dev.heartbeat.support.Json;
import dev.heartbeat.support.Redactor;
import dev.heartbeat.config.AgentConfig;
import dev.heartbeat.store.Store;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Delivers a message to the operator through every configured channel: log, file or webhook. */
public final class Notifier {
    public static final Set<String> SEVERITIES = Set.of("info", "warning", "critical");
    private static final Logger LOG = LoggerFactory.getLogger("dev.heartbeat.notify");

    private final AgentConfig config;
    private final Clock clock;
    private final Store sent;
    private final WebhookOutbox outbox;

    /** {@code sent} remembers what went where, so the same text is not sent twice within the dedupe window. */
    public Notifier(AgentConfig config, Clock clock, Store sent) {
        this.config = config;
        this.clock = clock;
        this.sent = sent;
        this.outbox = new WebhookOutbox(config, clock, sent);
    }

    /**
     * Sends to every channel and reports each one's fate; one failing channel does not stop the others.
     * {@code idempotencyKey} travels with webhook posts so a receiver can drop a repeat.
     */
    public List<NotificationRecord> send(String message, String severity, String beatId, String idempotencyKey,
                                         boolean dryRun) {
        String text = Redactor.redact(message);
        List<NotificationRecord> out = new ArrayList<>();
        List<AgentConfig.Channel> channels = config.notifications().channels();
        for (int i = 0; i < channels.size(); i++) {
            AgentConfig.Channel channel = channels.get(i);
            String name = channelName(channels, i);
            if (dryRun) {
                out.add(new NotificationRecord(name, severity, "dry_run", "would have sent"));
                continue;
            }
            String hash = textHash(name, text);
            java.time.Duration window = config.notifications().dedupeWindow();
            if (!window.isZero() && sent.outbox().sentSince(name, hash, OffsetDateTime.now(clock).minus(window))) {
                out.add(new NotificationRecord(name, severity, "suppressed", "the same text went to this channel within "
                        + dev.heartbeat.config.Durations.format(window) + " (notify.dedupe-window)"));
                continue;
            }
            if (channel.type().equals("webhook")) {
                NotificationRecord r = outbox.send(name, channel, Json.write(payload(text, severity, beatId)), severity,
                        beatId, idempotencyKey);
                out.add(r);
                if (!r.status().equals("failed")) {
                    sent.outbox().recordSent(name, hash);
                }
                continue;
            }
            try {
                String detail = switch (channel.type()) {
                    case "log" -> toLog(text, severity);
                    case "file" -> toFile(channel, text, severity, beatId);
                    default -> throw new IOException("unknown channel type " + channel.type());
                };
                out.add(new NotificationRecord(name, severity, "sent", detail));
                sent.outbox().recordSent(name, hash);
            } catch (IOException e) {
                out.add(new NotificationRecord(name, severity, "failed", Redactor.redact(e.getMessage())));
            }
        }
        return out;
    }

    /** How a channel is named in records: its type, numbered when there are several. */
    static String channelName(List<AgentConfig.Channel> channels, int i) {
        return channels.get(i).type() + (channels.size() > 1 ? "#" + i : "");
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
        return dev.heartbeat.audit.HashChain.sha256(channel + "\n" + text.strip());
    }

    private String toLog(String text, String severity) {
        switch (severity) {
            case "critical" -> LOG.error("[{}] {}", config.agent().name(), text);
            case "warning" -> LOG.warn("[{}] {}", config.agent().name(), text);
            default -> LOG.info("[{}] {}", config.agent().name(), text);
        }
        return "logged";
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

    private String toFile(AgentConfig.Channel channel, String text, String severity, String beatId) throws IOException {
        Path file = config.resolve(channel.path());
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        Files.writeString(file, Json.write(payload(text, severity, beatId)) + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        return "appended to " + file;
    }

}
