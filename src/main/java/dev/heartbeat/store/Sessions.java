package dev.heartbeat.store;

import dev.heartbeat.audit.Decision;
import dev.heartbeat.support.Faults;
import dev.heartbeat.support.Json;
import dev.heartbeat.support.JsonRecords;
import dev.heartbeat.transcript.Entry;
import dev.heartbeat.transcript.Message;
import dev.heartbeat.transcript.StoredMessage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.ObjLongConsumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

/**
 * The agent's sessions: append-only messages in revisions (a repair writes a new revision and keeps the old
 * rows, superseded, and carries the summary and the repair actions over in the same transaction), and where
 * the next beat's context starts. What was repaired and what could not be read is in {@link RepairLog}; what
 * bounds a session's size, in {@link Pruning}.
 */
public final class Sessions {
    // raw: the provider's message as given, or a copy of the row the new one copies (a repair's revision).
    private static final String INSERT_MESSAGE = "INSERT INTO messages (session, revision, role, body, beat_id, "
            + "created_at, raw) VALUES (?, ?, ?, ?, ?, ?, coalesce(?, (SELECT o.raw FROM messages o WHERE o.id = ?)))";

    private final Jdbc jdbc;

    Sessions(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Creates the session if it does not exist yet. */
    public void ensureSession(String name) {
        jdbc.update(c -> {
            String now = jdbc.now();
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO sessions (name, revision, created_at, updated_at) VALUES (?, 1, ?, ?) "
                            + "ON CONFLICT (name) DO NOTHING")) {
                ps.setString(1, name);
                ps.setString(2, now);
                ps.setString(3, now);
                ps.executeUpdate();
            }
        });
    }

    public Optional<SessionInfo> session(String name) {
        return sessions(name).stream().findFirst();
    }

    /** Every session, newest first. */
    public List<SessionInfo> list() {
        return sessions(null);
    }

    private List<SessionInfo> sessions(@Nullable String only) {
        String sql = "SELECT s.name, s.revision, s.created_at, s.updated_at, "
                + "(SELECT count(*) FROM messages m WHERE m.session = s.name AND m.revision = s.revision), "
                + "(SELECT count(*) FROM session_raw r WHERE r.session = s.name) "
                + "FROM sessions s" + (only != null ? " WHERE s.name = ?" : "") + " ORDER BY s.updated_at DESC";
        return jdbc.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                if (only != null) {
                    ps.setString(1, only);
                }
                List<SessionInfo> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new SessionInfo(
                                rs.getString(1),
                                rs.getInt(2),
                                rs.getLong(5),
                                rs.getLong(6),
                                OffsetDateTime.parse(rs.getString(3)),
                                OffsetDateTime.parse(rs.getString(4))));
                    }
                }
                return out;
            }
        });
    }

    /** Appends one message to the session's current revision and commits it at once. */
    public StoredMessage append(String session, Message message, @Nullable String beatId) {
        return append(session, message, beatId, null);
    }

    /** The same, with the provider's own message as it came ({@link #raw}). */
    public StoredMessage append(String session, Message message, @Nullable String beatId, @Nullable String raw) {
        return jdbc.write(c -> insertMessage(c, session, currentRevision(c, session), message, beatId, raw));
    }

    /**
     * Appends many messages (an import) in one transaction and one batch, each with the provider message it was
     * read from: all or nothing, and one commit's writes instead of one per message.
     */
    public void appendAll(String session, List<Message> messages, List<String> raw) {
        jdbc.update(c -> {
            int revision = currentRevision(c, session);
            OffsetDateTime at = OffsetDateTime.now(jdbc.clock());
            try (PreparedStatement ps = c.prepareStatement(INSERT_MESSAGE)) {
                for (int i = 0; i < messages.size(); i++) {
                    bindMessage(ps, session, revision, messages.get(i), null, at, raw.get(i), 0);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            touch(c, session, at);
        });
    }

    /** The provider's own message a stored one was made from, when it was kept. */
    public Optional<String> raw(long messageId) {
        return jdbc.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT raw FROM messages WHERE id = ?")) {
                ps.setLong(1, messageId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.<String>empty();
                }
            }
        });
    }

    private StoredMessage insertMessage(
            Connection c, String session, int revision, Message message, @Nullable String beatId, @Nullable String raw)
            throws SQLException {
        OffsetDateTime at = OffsetDateTime.now(jdbc.clock());
        try (PreparedStatement ps = c.prepareStatement(INSERT_MESSAGE, Statement.RETURN_GENERATED_KEYS)) {
            bindMessage(ps, session, revision, message, beatId, at, raw, 0);
            ps.executeUpdate();
            Faults.point("mid-append");
            long id;
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                id = keys.getLong(1);
            }
            touch(c, session, at);
            return new StoredMessage(id, revision, at, beatId, message);
        }
    }

    static void touch(Connection c, String session, OffsetDateTime at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE sessions SET updated_at = ? WHERE name = ?")) {
            ps.setString(1, Jdbc.utc(at));
            ps.setString(2, session);
            ps.executeUpdate();
        }
    }

    static int currentRevision(Connection c, String session) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT revision FROM sessions WHERE name = ?")) {
            ps.setString(1, session);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new StoreException("no session named '" + session + "'");
                }
                return rs.getInt(1);
            }
        }
    }

    /** A session's stored messages of its current revision, in {@link #readMessages}' columns; ordered after. */
    private static final String CURRENT_REVISION = "SELECT m.id, m.revision, m.created_at, m.beat_id, m.body "
            + "FROM messages m JOIN sessions s ON s.name = m.session AND m.revision = s.revision WHERE m.session = ?";

    /** The session's current history, oldest first. */
    public List<StoredMessage> history(String session) {
        return jdbc.read(c -> messages(c, session, false));
    }

    /**
     * The current revision's messages, oldest first, each handed to {@code each} with its id as it is read from a
     * cursor: a look at a whole session ({@code sessions list}'s health, {@code sessions check}) without holding
     * it. Unreadable rows are left out and reported, as by {@link #history}.
     */
    public void eachMessage(String session, ObjLongConsumer<Message> each) {
        jdbc.readCursor(c -> {
            try (PreparedStatement ps = c.prepareStatement(CURRENT_REVISION + " ORDER BY m.id")) {
                ps.setString(1, session);
                ps.setFetchSize(256);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Message m;
                        try {
                            m = JsonRecords.read(rs.getString(5), Message.class);
                        } catch (RuntimeException unreadable) {
                            leftOut(session, rs.getLong(1), unreadable);
                            continue;
                        }
                        each.accept(m, rs.getLong(1));
                    }
                }
            }
            return Boolean.TRUE;
        });
    }

    /**
     * The current revision's last {@code n} readable messages, oldest first: read newest first from a cursor and
     * stopped there, so {@code sessions show --tail} of a long session reads its tail, not the whole of it.
     */
    public List<StoredMessage> historyTail(String session, int n) {
        return jdbc.readCursor(c -> {
            try (PreparedStatement ps = c.prepareStatement(CURRENT_REVISION + " ORDER BY m.id DESC")) {
                ps.setString(1, session);
                ps.setFetchSize(Math.min(n, 256));
                List<StoredMessage> newestFirst = readMessages(ps, session, n);
                Collections.reverse(newestFirst);
                return newestFirst;
            }
        });
    }

    /** Every message ever stored for the session, superseded revisions included, oldest first. */
    public List<StoredMessage> allMessages(String session) {
        return jdbc.read(c -> messages(c, session, true));
    }

    /**
     * The current revision's messages from id {@code from} on, oldest first: what a beat's context can
     * still need (see {@link #contextFrom}).
     */
    public List<StoredMessage> historyFrom(String session, long from) {
        return jdbc.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(CURRENT_REVISION + " AND m.id >= ? ORDER BY m.id")) {
                ps.setString(1, session);
                ps.setLong(2, from);
                return readMessages(ps, session);
            }
        });
    }

    /** The message id the session's next context is read from; 0 for the whole current revision. */
    public long contextFrom(String session) {
        return jdbc.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT context_from FROM sessions WHERE name = ?")) {
                ps.setString(1, session);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : 0L;
                }
            }
        });
    }

    /** Moves the session's context start forward (never back: a revision write resets it to 0 itself). */
    public void advanceContextFrom(String session, long from) {
        jdbc.update(c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("UPDATE sessions SET context_from = ? WHERE name = ? AND context_from < ?")) {
                ps.setLong(1, from);
                ps.setString(2, session);
                ps.setLong(3, from);
                ps.executeUpdate();
            }
        });
    }

    private List<StoredMessage> messages(Connection c, String session, boolean all) throws SQLException {
        String sql = "SELECT m.id, m.revision, m.created_at, m.beat_id, m.body FROM messages m "
                + "JOIN sessions s ON s.name = m.session WHERE m.session = ?"
                + (all ? "" : " AND m.revision = s.revision") + " ORDER BY m.revision, m.id";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, session);
            return readMessages(ps, session);
        }
    }

    private static List<StoredMessage> readMessages(PreparedStatement ps, String session) throws SQLException {
        return readMessages(ps, session, Integer.MAX_VALUE);
    }

    /** The readable messages of {@code ps}'s rows, up to {@code limit} of them. */
    private static List<StoredMessage> readMessages(PreparedStatement ps, String session, int limit)
            throws SQLException {
        List<StoredMessage> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (out.size() < limit && rs.next()) {
                try {
                    out.add(new StoredMessage(
                            rs.getLong(1),
                            rs.getInt(2),
                            OffsetDateTime.parse(rs.getString(3)),
                            rs.getString(4),
                            JsonRecords.read(rs.getString(5), Message.class)));
                } catch (RuntimeException unreadable) {
                    leftOut(session, rs.getLong(1), unreadable);
                }
            }
        }
        return out;
    }

    /**
     * One unreadable row must not make the whole session unreadable (a dead agent): it is left out, kept in the
     * table, and reported; the repair then heals the gap it leaves.
     */
    private static void leftOut(String session, long id, RuntimeException unreadable) {
        LoggerFactory.getLogger(Store.class)
                .warn(
                        "session {}: stored message {} cannot be read and is left out ({}); it stays in the database",
                        session,
                        id,
                        unreadable.getMessage() == null
                                ? unreadable.getClass().getSimpleName()
                                : unreadable.getMessage().lines().findFirst().orElse(""));
    }

    /**
     * Writes {@code messages} as the session's next revision, with the actions that produced it, in one
     * transaction. The rows of earlier revisions stay: superseded, never deleted.
     */
    public List<StoredMessage> writeRevision(
            String session, List<Entry> messages, List<Decision.RepairRecord> actions, @Nullable String beatId) {
        return writeRevision(session, messages, actions, beatId, -1);
    }

    /**
     * The same, refusing when the current revision's newest message is no longer {@code readUpTo}: a
     * beat appended to it after the repair read it, and writing would drop that message from the history.
     */
    public List<StoredMessage> writeRevision(
            String session,
            List<Entry> messages,
            List<Decision.RepairRecord> actions,
            @Nullable String beatId,
            long readUpTo) {
        return jdbc.write(c -> {
            if (readUpTo >= 0) {
                try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(max(m.id), 0) FROM messages m "
                        + "JOIN sessions s ON s.name = m.session AND s.revision = m.revision WHERE m.session = ?")) {
                    ps.setString(1, session);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        if (rs.getLong(1) != readUpTo) {
                            throw new StoreException(
                                    "the session '" + session + "' changed while it was being repaired "
                                            + "(a beat wrote to it); nothing was written, run the repair again");
                        }
                    }
                }
            }
            Optional<Summaries.Summary> summary = Summaries.of(c, session);
            int revision = currentRevision(c, session) + 1;
            // One batch for the whole revision; the ids come back in one query, in insertion order (this
            // transaction holds the write lock, so no other rows of this revision can come between).
            List<OffsetDateTime> times = new ArrayList<>(messages.size());
            List<String> beats = new ArrayList<>(messages.size());
            try (PreparedStatement ps = c.prepareStatement(INSERT_MESSAGE)) {
                OffsetDateTime now = OffsetDateTime.now(jdbc.clock());
                for (Entry e : messages) {
                    // Copied messages keep their beat and time; messages the repair made are the repairer's.
                    Message m = e.message();
                    OffsetDateTime at = e.createdAt() != null ? e.createdAt() : now;
                    String beat = e.createdAt() != null ? e.beatId() : beatId;
                    bindMessage(ps, session, revision, m, beat, at, null, e.id());
                    ps.addBatch();
                    times.add(at);
                    beats.add(beat);
                }
                ps.executeBatch();
            }
            List<Long> ids = new ArrayList<>(messages.size());
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT id FROM messages WHERE session = ? AND revision = ? ORDER BY id")) {
                ps.setString(1, session);
                ps.setInt(2, revision);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getLong(1));
                    }
                }
            }
            if (ids.size() != messages.size()) {
                throw new StoreException("revision " + revision + " of session '" + session + "' holds " + ids.size()
                        + " message(s) after writing " + messages.size() + "; nothing was written");
            }
            List<StoredMessage> out = new ArrayList<>(messages.size());
            long summaryCoversTo = 0;
            for (int i = 0; i < messages.size(); i++) {
                Entry e = messages.get(i);
                out.add(new StoredMessage(ids.get(i), revision, times.get(i), beats.get(i), e.message()));
                // The summary covers the same messages in the new revision: up to the copy of the last
                // one it covered (messages the repair made in between come along with it).
                if (summary.isPresent() && e.id() > 0 && e.id() <= summary.get().coversTo()) {
                    summaryCoversTo = ids.get(i);
                }
            }
            if (summary.isPresent() && summaryCoversTo > 0) {
                Summaries.insert(
                        c,
                        session,
                        revision,
                        jdbc.now(),
                        new Summaries.Summary(
                                summaryCoversTo,
                                summary.get().method(),
                                summary.get().text(),
                                summary.get().untrusted()));
            }
            RepairLog.insert(c, session, revision, beatId, actions, jdbc.now());
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE sessions SET revision = ?, updated_at = ?, context_from = 0 WHERE name = ?")) {
                ps.setInt(1, revision);
                ps.setString(2, jdbc.now());
                ps.setString(3, session);
                ps.executeUpdate();
            }
            return out;
        });
    }

    /** The parameters of {@link #INSERT_MESSAGE} for one message row. */
    private static void bindMessage(
            PreparedStatement ps,
            String session,
            int revision,
            Message m,
            @Nullable String beatId,
            OffsetDateTime at,
            @Nullable String raw,
            long copiedFrom)
            throws SQLException {
        ps.setString(1, session);
        ps.setInt(2, revision);
        ps.setString(3, m.role());
        ps.setString(4, Json.write(m));
        ps.setString(5, beatId);
        ps.setString(6, at.toString());
        ps.setString(7, raw);
        ps.setLong(8, copiedFrom);
    }
}
