package dev.heartbeat.notify;

import dev.heartbeat.config.AgentConfig;
import java.net.http.HttpRequest;

/**
 * {@code type: ntfy}: a push notification through an ntfy topic ({@code url}: https://ntfy.sh/TOPIC or a server
 * of your own; {@code headers: { Authorization: "Bearer tk_..." }} for a protected topic), through the outbox.
 * The severity becomes ntfy's priority and tag, so a critical one rings through do-not-disturb.
 */
final class NtfyChannel extends OutboxChannel {
    NtfyChannel(WebhookOutbox outbox, AgentConfig.Channel settings) {
        super(outbox, settings);
    }

    @Override
    String body(Delivery d) {
        return d.text();
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
