package dev.heartbeat.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/** What bounds a session's size: how big and how old it is, and removing what retention archived. */
public final class Pruning {
    private final Jdbc jdbc;

    Pruning(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Deletes the given messages of a session and, with {@code superseded}, every row of its earlier
     * revisions, in one transaction. Only prune calls this, after writing its archive.
     */
    public int deleteMessages(String session, List<Long> ids, boolean superseded) {
        return jdbc.write(c -> {
            int deleted = 0;
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM messages WHERE session = ? AND id = ?")) {
                for (long id : ids) {
                    ps.setString(1, session);
                    ps.setLong(2, id);
                    ps.addBatch();
                }
                for (int n : ps.executeBatch()) {
                    deleted += Math.max(0, n);
                }
            }
            if (superseded) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM messages WHERE session = ? AND "
                        + "revision < (SELECT revision FROM sessions WHERE name = ?)")) {
                    ps.setString(1, session);
                    ps.setString(2, session);
                    deleted += ps.executeUpdate();
                }
            }
            Sessions.touch(c, session, OffsetDateTime.now(jdbc.clock()));
            return deleted;
        });
    }

    /** When the oldest message the session still holds (any revision) was stored. */
    public Optional<OffsetDateTime> oldestMessage(String session) {
        return jdbc.read(c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT created_at FROM messages WHERE session = ? ORDER BY id LIMIT 1")) {
                ps.setString(1, session);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next()
                            ? Optional.of(OffsetDateTime.parse(rs.getString(1)))
                            : Optional.<OffsetDateTime>empty();
                }
            }
        });
    }

    /** The bytes of message JSON the session's current revision holds. */
    public long sessionBytes(String session) {
        return jdbc.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(sum(length(m.body)), 0) FROM messages m "
                    + "JOIN sessions s ON s.name = m.session AND s.revision = m.revision WHERE m.session = ?")) {
                ps.setString(1, session);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : 0L;
                }
            }
        });
    }
}
