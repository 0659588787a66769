package dev.heartbeat.notify;

import dev.heartbeat.config.AgentConfig;

/**
 * {@code type: webhook}: a signed POST through the outbox, which queues it in the store first, tries it once
 * now, and retries it from the daemon until it is delivered or given up on.
 */
final class WebhookChannel extends OutboxChannel {
    WebhookChannel(WebhookOutbox outbox, AgentConfig.Channel settings) {
        super(outbox, settings);
    }

    @Override
    String body(Delivery d) {
        return d.payload();
    }
}
