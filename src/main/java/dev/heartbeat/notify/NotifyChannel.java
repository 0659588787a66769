package dev.heartbeat.notify;

import dev.heartbeat.audit.Decision.NotificationRecord;
import java.io.IOException;

/**
 * One place notifications go. A new channel is a class implementing this and one line in {@link Channels}
 * that builds it from its configuration; the notifier does the rest (dry runs, dedupe, the record).
 */
public interface NotifyChannel {
    /**
     * What a delivery carries: the channel's name in records, the text (secrets masked), its severity, the
     * beat, a key a receiver can drop repeats by, and the JSON payload the file and webhook channels write.
     */
    record Delivery(
            String channel, String text, String severity, String beatId, String idempotencyKey, String payload) {}

    /** Delivers, and says what became of it; an {@link IOException} is recorded as a failed delivery. */
    NotificationRecord deliver(Delivery delivery) throws IOException;
}
