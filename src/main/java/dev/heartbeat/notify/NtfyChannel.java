package dev.heartbeat.notify;

import dev.heartbeat.audit.Decision.NotificationRecord;
import dev.heartbeat.config.AgentConfig;
import java.net.http.HttpRequest;

/**
 * {@code type: ntfy}: a push notification through an ntfy topic ({@code url}: https://ntfy.sh/TOPIC or a server
 * of your own; {@code headers: { Authorization: "Bearer tk_..." }} for a protected topic), through the outbox.
 * The severity becomes ntfy's priority and tag, so a critical one rings through do-not-disturb.
 */
final class NtfyChannel implements NotifyChannel {
    private final WebhookOutbox outbox;
    private final AgentConfig.Channel settings;

    NtfyChannel(WebhookOutbox outbox, AgentConfig.Channel settings) {
        this.outbox = outbox;
        this.settings = settings;
    }

    @Override
    public NotificationRecord deliver(Delivery d) {
        return outbox.send(d.channel(), settings, d.text(), d.severity(), d.beatId(), d.idempotencyKey());
    }

    /** The message is the body, as plain text; the title, priority and tag go in ntfy's headers. */
    static void shape(HttpRequest.Builder request, String agent, String severity) {
        request.header("Content-Type", "text/plain; charset=utf-8")
                .header("Title", "heartbeat-agent " + agent)
                .header(
                        "Priority",
                        switch (severity) {
                            case "critical" -> "5";
                            case "warning" -> "4";
                            default -> "3";
                        })
                .header(
                        "Tags",
                        switch (severity) {
                            case "critical" -> "rotating_light";
                            case "warning" -> "warning";
                            default -> "information_source";
                        });
    }
}
