package dev.heartbeat.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Notifications on their way out: the webhook outbox (queued in the beat's transaction, delivered and
 * retried by the daemon, dead-lettered when they keep failing, reported back to the beat's record) and
 * the record of what each channel sent, which keeps a repeated message from going out twice in a window.
 */
public final class Outbox {
    private final Jdbc jdbc;

    Outbox(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Whether {@code agent} sent this text to this channel since {@code since}. */
    public boolean sentSince(String agent, String channel, String textHash, OffsetDateTime since) {
        return jdbc.read(c -> {
            // A row with no agent is from a release before agents were named in it: it counts for every agent.
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT 1 FROM notifications_sent "
                            + "WHERE channel = ? AND text_hash = ? AND sent_at >= ? AND (agent = ? OR agent IS NULL) LIMIT 1")) {
                ps.setString(1, channel);
                ps.setString(2, textHash);
                ps.setString(3, Jdbc.utc(since));
                ps.setString(4, agent);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    public void recordSent(String agent, String channel, String textHash) {
        jdbc.update(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO notifications_sent (agent, channel, text_hash, sent_at) VALUES (?, ?, ?, ?)")) {
                ps.setString(1, agent);
                ps.setString(2, channel);
                ps.setString(3, textHash);
                ps.setString(4, jdbc.now());
                ps.executeUpdate();
            }
        });
    }

    /** A notification held outside its channel's deliver-hours, for the digest. */
    public record Held(long id, String severity, String text, String beatId, OffsetDateTime heldAt) {}

    /** Holds a notification for {@code agent}'s channel until its window opens. */
    public void hold(String agent, String channel, String severity, String text, String beatId) {
        jdbc.update(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO held_notifications "
                    + "(agent, channel, severity, text, beat_id, held_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, agent);
                ps.setString(2, channel);
                ps.setString(3, severity);
                ps.setString(4, text);
                ps.setString(5, beatId);
                ps.setString(6, jdbc.now());
                ps.executeUpdate();
            }
        });
    }

    /** What {@code agent}'s channel holds, oldest first. */
    public List<Held> held(String agent, String channel) {
        return jdbc.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id, severity, text, beat_id, held_at "
                    + "FROM held_notifications WHERE agent = ? AND channel = ? ORDER BY id")) {
                ps.setString(1, agent);
                ps.setString(2, channel);
                List<Held> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Held(
                                rs.getLong(1),
                                rs.getString(2),
                                rs.getString(3),
                                rs.getString(4),
                                OffsetDateTime.parse(rs.getString(5))));
                    }
                }
                return out;
            }
        });
    }

    /** Lets go of what the channel held up to {@code throughId}, once its digest went out. */
    public void release(String agent, String channel, long throughId) {
        jdbc.update(c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("DELETE FROM held_notifications WHERE agent = ? AND channel = ? AND id <= ?")) {
                ps.setString(1, agent);
                ps.setString(2, channel);
                ps.setLong(3, throughId);
                ps.executeUpdate();
            }
        });
    }

    /** A webhook notification waiting for (or done with) delivery. */
    public record Outgoing(
            long id,
            String beatId,
            String channel,
            String idempotencyKey,
            String severity,
            String body,
            int attempts,
            String status,
            String lastError) {
        /** The Idempotency-Key a receiver gets: the row's key without its channel (rows from before had none). */
        public String receiverKey() {
            String prefix = channel + Outbox.CHANNEL_KEY;
            return idempotencyKey.startsWith(prefix) ? idempotencyKey.substring(prefix.length()) : idempotencyKey;
        }
    }

    /** Between the channel and the idempotency key in a row's key. */
    private static final String CHANNEL_KEY = "|";

    /**
     * Puts a notification for {@code channel} in the outbox before its first attempt; the existing row when that
     * channel has the key already. A row is keyed by channel and key: the same notification to two channels is
     * two deliveries, and {@link Outgoing#receiverKey} gives the key back as it was.
     */
    public Outgoing enqueue(
            String agent, String beatId, String channel, String idempotencyKey, String severity, String body) {
        String key = channel + CHANNEL_KEY + idempotencyKey;
        return jdbc.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO outbox (agent, beat_id, channel, "
                    + "idempotency_key, severity, body, attempts, status, next_at, reported, created_at) "
                    + "VALUES (?, ?, ?, ?, ?, ?, 0, 'pending', ?, 0, ?) ON CONFLICT (idempotency_key) DO NOTHING")) {
                ps.setString(1, agent);
                ps.setString(2, beatId);
                ps.setString(3, channel);
                ps.setString(4, key);
                ps.setString(5, severity);
                ps.setString(6, body);
                // Leased to the beat that queued it for its first attempt: no poller takes it meanwhile.
                ps.setString(7, Instant.now(jdbc.clock()).plus(LEASE).toString());
                ps.setString(8, jdbc.now());
                ps.executeUpdate();
            }
            return outgoing(c, "idempotency_key = ?", key).get(0);
        });
    }

    /** How long an attempt owns a notification; a process that died mid-attempt frees it after this. */
    private static final Duration LEASE = Duration.ofMinutes(1);

    /**
     * Takes a due notification for one attempt (its next time moves past the attempt), so two pollers (a beat
     * and the daemon, or two nodes) never deliver it at once. False when another took it first.
     */
    public boolean claimOutgoing(long id) {
        return jdbc.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE outbox SET next_at = ? WHERE id = ? " + "AND status = 'pending' AND next_at <= ?")) {
                Instant now = Instant.now(jdbc.clock());
                ps.setString(1, now.plus(LEASE).toString());
                ps.setLong(2, id);
                ps.setString(3, now.toString());
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** The notifications a beat put in the outbox. */
    public List<Outgoing> outgoingOf(String beatId) {
        return jdbc.read(c -> outgoing(c, "beat_id = ?", beatId));
    }

    /** Pending notifications whose next attempt is due. */
    public List<Outgoing> dueOutgoing(String agent, Instant now) {
        return jdbc.read(c -> outgoing(c, "agent = ? AND status = 'pending' AND next_at <= ?", agent, now.toString()));
    }

    /** Notifications that settled (delivered after a retry, or given up on) and no decision has told of yet. */
    public List<Outgoing> unreportedOutgoing(String agent) {
        return jdbc.read(c -> outgoing(c, "agent = ? AND reported = 0 AND status <> 'pending'", agent));
    }

    /** How many of the agent's notifications are waiting for a retry, and how many were given up on. */
    public Map<String, Long> outboxCounts(String agent) {
        return jdbc.read(c -> {
            Map<String, Long> out = new LinkedHashMap<>();
            out.put("pending", 0L);
            out.put("dead", 0L);
            try (PreparedStatement ps = c.prepareStatement("SELECT status, count(*) FROM outbox WHERE agent = ? "
                    + "AND status IN ('pending', 'dead') GROUP BY status")) {
                ps.setString(1, agent);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString(1), rs.getLong(2));
                    }
                }
            }
            return out;
        });
    }

    /**
     * After an attempt: {@code status} pending (retry at {@code nextAt}), delivered or dead. {@code reported}:
     * the decision of the beat that made the attempt already tells of it.
     */
    public void attempted(
            long id, int attempts, String status, @Nullable Instant nextAt, @Nullable String error, boolean reported) {
        jdbc.update(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE outbox SET attempts = ?, status = ?, next_at = ?, "
                    + "last_error = ?, reported = ?, done_at = ? WHERE id = ?")) {
                ps.setInt(1, attempts);
                ps.setString(2, status);
                ps.setString(3, (nextAt == null ? Instant.now(jdbc.clock()) : nextAt).toString());
                ps.setString(4, error);
                ps.setInt(5, reported ? 1 : 0);
                ps.setString(6, status.equals("pending") ? null : jdbc.now());
                ps.setLong(7, id);
                ps.executeUpdate();
            }
        });
    }

    public void markReported(List<Long> ids) {
        jdbc.update(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE outbox SET reported = 1 WHERE id = ?")) {
                for (long id : ids) {
                    ps.setLong(1, id);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        });
    }

    private static List<Outgoing> outgoing(Connection c, String where, String... values) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, beat_id, channel, idempotency_key, severity, body, "
                + "attempts, status, last_error FROM outbox WHERE " + where + " ORDER BY id")) {
            for (int i = 0; i < values.length; i++) {
                ps.setString(i + 1, values[i]);
            }
            List<Outgoing> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Outgoing(
                            rs.getLong(1),
                            rs.getString(2),
                            rs.getString(3),
                            rs.getString(4),
                            rs.getString(5),
                            rs.getString(6),
                            rs.getInt(7),
                            rs.getString(8),
                            rs.getString(9)));
                }
            }
            return out;
        }
    }
}
