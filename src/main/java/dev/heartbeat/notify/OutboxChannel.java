package dev.heartbeat.notify;

import dev.heartbeat.audit.Decision.NotificationRecord;
import dev.heartbeat.config.AgentConfig;

/**
 * A channel whose notifications go through the outbox (queued in the store first, tried once now, retried
 * until delivered or given up on): a subclass says only what the queued body is.
 */
abstract class OutboxChannel implements NotifyChannel {
    private final WebhookOutbox outbox;
    private final AgentConfig.Channel settings;

    OutboxChannel(WebhookOutbox outbox, AgentConfig.Channel settings) {
        this.outbox = outbox;
        this.settings = settings;
    }

    @Override
    public final NotificationRecord deliver(Delivery d) {
        return outbox.send(d.channel(), settings, body(d), d.severity(), d.beatId(), d.idempotencyKey());
    }

    /** What is queued and sent: the payload, a message in the receiver's format, or the text. */
    abstract String body(Delivery d);
}
