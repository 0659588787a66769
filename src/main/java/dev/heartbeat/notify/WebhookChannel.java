package dev.heartbeat.notify;

import dev.heartbeat.audit.Decision.NotificationRecord;
import dev.heartbeat.config.AgentConfig;

/**
 * {@code type: webhook}: a signed POST through the outbox, which queues it in the store first, tries it once
 * now, and retries it from the daemon until it is delivered or given up on.
 */
final class WebhookChannel implements NotifyChannel {
    private final WebhookOutbox outbox;
    private final AgentConfig.Channel settings;

    WebhookChannel(WebhookOutbox outbox, AgentConfig.Channel settings) {
        this.outbox = outbox;
        this.settings = settings;
    }

    @Override
    public NotificationRecord deliver(Delivery d) {
        return outbox.send(d.channel(), settings, d.payload(), d.severity(), d.beatId(), d.idempotencyKey());
    }
}
