package dev.heartbeat.transcript;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** A message as the store holds it: its row id, the session revision it belongs to, when and by which beat. */
public record StoredMessage(
        long id,
        int revision,
        OffsetDateTime createdAt,
        @Nullable String beatId,
        Message message) {

    /** The messages alone, in order. */
    public static List<Message> messages(List<StoredMessage> stored) {
        List<Message> out = new ArrayList<>(stored.size());
        stored.forEach(m -> out.add(m.message()));
        return out;
    }
}
