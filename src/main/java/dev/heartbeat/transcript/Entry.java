package dev.heartbeat.transcript;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A message with where it came from: its store id (0 for a message a repair made), the beat that wrote
 * it and when. A repair's new revision keeps the last two, so history stays attributed to its beats.
 */
public record Entry(
        long id,
        Message message,
        @Nullable String beatId,
        @Nullable OffsetDateTime createdAt) {
    public Entry(long id, Message message) {
        this(id, message, null, null);
    }

    /** The same origin, another content (a rule rewrote the message). */
    public Entry with(Message replacement) {
        return new Entry(id, replacement, beatId, createdAt);
    }

    public static List<Entry> of(List<StoredMessage> stored) {
        List<Entry> out = new ArrayList<>(stored.size());
        for (StoredMessage m : stored) {
            out.add(new Entry(m.id(), m.message(), m.beatId(), m.createdAt()));
        }
        return out;
    }

    /** Entries for messages that have no store ids yet (numbered 1, 2, 3 ... for the record). */
    public static List<Entry> numbered(List<? extends Message> messages) {
        List<Entry> out = new ArrayList<>(messages.size());
        long n = 0;
        for (Message m : messages) {
            out.add(new Entry(++n, m));
        }
        return out;
    }

    public static List<Message> messages(List<Entry> entries) {
        List<Message> out = new ArrayList<>(entries.size());
        entries.forEach(e -> out.add(e.message()));
        return out;
    }
}
