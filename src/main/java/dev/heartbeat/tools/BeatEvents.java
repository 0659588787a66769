package dev.heartbeat.tools;

import dev.heartbeat.audit.Decision.NotificationRecord;

/**
 * What a tool tells the beat it serves besides its result, so the beat's record shows it: today the
 * notifications {@code notify} sent. The beat listens; a tool outside a beat (a test) tells nobody.
 */
@FunctionalInterface
public interface BeatEvents {
    BeatEvents NONE = notification -> {};

    void notified(NotificationRecord notification);
}
