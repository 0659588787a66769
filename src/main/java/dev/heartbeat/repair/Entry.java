package dev.heartbeat.repair;

import dev.heartbeat.transcript.Message;
import dev.heartbeat.transcript.StoredMessage;
import java.util.ArrayList;
import java.util.List;

/** A message with the store id it came from; 0 for a message a repair created. */
public record Entry(long id, Message message) {
    public static List<Entry> of(List<StoredMessage> stored) {
        List<Entry> out = new ArrayList<>(stored.size());
        for (StoredMessage m : stored) {
            out.add(new Entry(m.id(), m.message()));
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
