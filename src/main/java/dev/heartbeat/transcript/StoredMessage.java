package dev.heartbeat.transcript;

import java.time.OffsetDateTime;

/** A message as the store holds it: its row id, the session revision it belongs to, when and by which beat. */
public record StoredMessage(long id, int revision, OffsetDateTime createdAt, String beatId, Message message) {

    /** The messages alone, in order. */
    public static java.util.List<Message> messages(java.util.List<StoredMessage> stored) {
        java.util.List<Message> out = new java.util.ArrayList<>(stored.size());
        stored.forEach(m -> out.add(m.message()));
        return out;
    }
}
