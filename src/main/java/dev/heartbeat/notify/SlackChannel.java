package dev.heartbeat.notify;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.heartbeat.config.AgentConfig;
import java.net.http.HttpRequest;

/**
 * {@code type: slack}: a message to a Slack incoming webhook ({@code url}: its https://hooks.slack.com/services/...
 * address, a secret masked everywhere), through the outbox: queued first, retried until Slack takes it.
 */
final class SlackChannel extends OutboxChannel {
    private final String agent;

    SlackChannel(WebhookOutbox outbox, AgentConfig.Channel settings, String agent) {
        super(outbox, settings);
        this.agent = agent;
    }

    @Override
    String body(Delivery d) {
        return body(agent, d.severity(), d.text());
    }

    /** Slack's message JSON: the severity, the agent, the text (with the three characters Slack reads as markup escaped). */
    static String body(String agent, String severity, String text) {
        String icon = switch (severity) {
            case "critical" -> ":rotating_light: ";
            case "warning" -> ":warning: ";
            default -> "";
        };
        String line = icon + "*" + escape(agent) + "* (" + severity + "): " + escape(text);
        return JsonNodeFactory.instance.objectNode().put("text", line).toString();
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** Slack takes JSON; it has no idempotency key or signature to send. */
    static void shape(HttpRequest.Builder request) {
        request.header("Content-Type", "application/json");
    }
}
