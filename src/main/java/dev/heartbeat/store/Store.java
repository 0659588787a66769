package dev.heartbeat.store;

import dev.heartbeat.audit.Decision;
import dev.heartbeat.audit.HashChain;
import dev.heartbeat.audit.HeadAnchor;
import dev.heartbeat.audit.Json;
import dev.heartbeat.transcript.Entry;
import dev.heartbeat.transcript.Message;
import dev.heartbeat.transcript.StoredMessage;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.migration.JavaMigration;

/**
 * The agent's durable memory: sessions and their append-only messages, the hash-chained
 * decision log, the key-value state and the tool-call intents, in SQLite (one connection per process;
 * other processes read beside it through WAL) or PostgreSQL (a small pool; every node of a cluster
 * shares it). The queries are the same on both; what differs is in {@link Database}.
 */
public final class Store implements AutoCloseable {
    private final Database db;
    private final Database.Connections connections;
    private final Jdbc jdbc;
    private final Clock clock;
    private final Control control;
    private final DecisionLog decisionLog;
    private final Cluster cluster;
    private final Approvals approvals;
    private final Intents intents;
    private final Outbox outbox;
    private final AgentState agentState;

    private Store(Database db, Database.Connections connections, Clock clock, boolean readOnly) {
        this.db = db;
        this.connections = connections;
        this.jdbc = new Jdbc(db, connections, clock, readOnly);
        this.clock = clock;
        this.control = new Control(jdbc);
        this.decisionLog = new DecisionLog(jdbc);
        this.cluster = new Cluster(jdbc);
        this.approvals = new Approvals(jdbc);
        this.intents = new Intents(jdbc);
        this.outbox = new Outbox(jdbc);
        this.agentState = new AgentState(jdbc);
    }

    /** Opens (creating if needed) and migrates the SQLite file for a process that writes. */
    public static Store open(Path file, Clock clock) {
        return open(new SqliteDatabase(file), clock);
    }

    /** Opens and migrates the database for a process that writes. */
    public static Store open(Database db, Clock clock) {
        db.checkIntact();
        Database.Connections connections = db.connect(false);
        try {
            Flyway.configure()
                    .dataSource(connections.dataSource())
                    .locations("classpath:db/migration")
                    .placeholders(db.placeholders())
                    .javaMigrations(db.extraMigrations().toArray(new JavaMigration[0]))
                    .load()
                    .migrate();
        } catch (org.flywaydb.core.api.exception.FlywayValidateException e) {
            connections.close();
            // Flyway's own advice ("run repair") would rewrite the history to fit; ours is to keep it as it is.
            throw new StoreException("cannot prepare the database " + db.describe() + ": its migration history does "
                    + "not match this release (" + validationErrors(e) + "). A released migration is never edited, so "
                    + "this database was made by another build: open it with that build, or restore a backup. "
                    + "Nothing was changed.", e);
        } catch (FlywayException e) {
            connections.close();
            throw new StoreException("cannot prepare the database " + db.describe() + ": " + rootMessage(e), e);
        }
        return new Store(db, connections, clock, false);
    }

    /** Opens an existing SQLite file for reading only. */
    public static Store openReadOnly(Path file, Clock clock) {
        return openReadOnly(new SqliteDatabase(file), clock);
    }

    /** Opens an existing database for reading only: inspection commands, beside a running daemon. */
    public static Store openReadOnly(Database db, Clock clock) {
        if (!db.exists()) {
            throw StoreException.notCreated("no database at " + db.describe() + "; it is created by the first beat "
                    + "(run --once), or check storage.url in the configuration");
        }
        Database.Connections connections = db.connect(true);
        Store store = new Store(db, connections, clock, true);
        try {
            store.checkSchema();
            return store;
        } catch (RuntimeException e) {
            connections.close();
            throw e;
        }
    }

    private void checkSchema() {
        boolean ours;
        try {
            Connection c = connections.borrow();
            try {
                ours = db.hasSchema(c);
            } finally {
                connections.giveBack(c);
            }
        } catch (SQLException e) {
            throw new StoreException(db.describe() + " cannot be read as a database: " + e.getMessage(), e);
        }
        if (!ours && db.clustered()) {
            throw StoreException.notCreated(db.describe() + " has no heartbeat-agent tables yet; the first 'run' or "
                    + "'--once' creates them");
        }
        if (!ours) {
            throw new StoreException(db.describe() + " is not a heartbeat-agent database (no decisions table); "
                    + "check storage.url");
        }
    }

    /** Flyway's validation findings, one clause each, without its advice lines. */
    private static String validationErrors(Throwable e) {
        return java.util.Arrays.stream(String.valueOf(e.getMessage()).split("\\R"))
                .map(String::strip)
                .filter(line -> line.startsWith("Migration ") || line.startsWith("Detected "))
                .collect(java.util.stream.Collectors.joining("; "));
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    /** Chains the decisions appended from now on with HMAC under {@code key} (null: plain SHA-256). */
    public Store keyChain(byte[] key) {
        decisionLog.keyChain(key);
        return this;
    }

    /** Wake requests, the pause kept in the store, the watchdog's ping. */
    public Control control() {
        return control;
    }

    /** The agent's key-value state and its taint marks. */
    public AgentState agentState() {
        return agentState;
    }

    /** Notifications on their way out, and what each channel sent. */
    public Outbox outbox() {
        return outbox;
    }

    /** The beat's journal: tool-call intents and what a running beat did. */
    public Intents intents() {
        return intents;
    }

    /** Calls waiting for a person's approval. */
    public Approvals approvals() {
        return approvals;
    }

    /** The tick fence, beat starts, the beat lock, the cluster's nodes and clock. */
    public Cluster cluster() {
        return cluster;
    }

    /** The hash-chained decision log. */
    public DecisionLog decisionLog() {
        return decisionLog;
    }

    public Database database() {
        return db;
    }

    // ---------------------------------------------------------------- sessions and messages

    /** Creates the session if it does not exist yet. */
    public void ensureSession(String name) {
        write(c -> {
            String now = now();
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO sessions (name, revision, created_at, updated_at) VALUES (?, 1, ?, ?) "
                            + "ON CONFLICT (name) DO NOTHING")) {
                ps.setString(1, name);
                ps.setString(2, now);
                ps.setString(3, now);
                ps.executeUpdate();
            }
            return null;
        });
    }

    public Optional<SessionInfo> session(String name) {
        return sessions(name).stream().findFirst();
    }

    public List<SessionInfo> sessions() {
        return sessions(null);
    }

    private List<SessionInfo> sessions(String only) {
        String sql = "SELECT s.name, s.revision, s.created_at, s.updated_at, "
                + "(SELECT count(*) FROM messages m WHERE m.session = s.name AND m.revision = s.revision), "
                + "(SELECT count(*) FROM session_raw r WHERE r.session = s.name) "
                + "FROM sessions s" + (only != null ? " WHERE s.name = ?" : "") + " ORDER BY s.updated_at DESC";
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                if (only != null) {
                    ps.setString(1, only);
                }
                List<SessionInfo> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new SessionInfo(rs.getString(1), rs.getInt(2), rs.getLong(5), rs.getLong(6),
                                OffsetDateTime.parse(rs.getString(3)), OffsetDateTime.parse(rs.getString(4))));
                    }
                }
                return out;
            }
        });
    }

    /** Appends one message to the session's current revision and commits it at once. */
    public StoredMessage append(String session, Message message, String beatId) {
        return write(c -> insertMessage(c, session, currentRevision(c, session), message, beatId));
    }

    private StoredMessage insertMessage(Connection c, String session, int revision, Message message, String beatId)
            throws SQLException {
        OffsetDateTime at = OffsetDateTime.now(clock);
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO messages (session, revision, role, body, beat_id, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, session);
            ps.setInt(2, revision);
            ps.setString(3, message.role());
            ps.setString(4, Json.write(message));
            ps.setString(5, beatId);
            ps.setString(6, at.toString());
            ps.executeUpdate();
            dev.heartbeat.audit.Faults.point("mid-append");
            long id;
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                id = keys.getLong(1);
            }
            touch(c, session, at);
            return new StoredMessage(id, revision, at, beatId, message);
        }
    }

    private void touch(Connection c, String session, OffsetDateTime at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE sessions SET updated_at = ? WHERE name = ?")) {
            ps.setString(1, utc(at));
            ps.setString(2, session);
            ps.executeUpdate();
        }
    }

    private int currentRevision(Connection c, String session) throws SQLException {
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

    /** The session's current history, oldest first. */
    public List<StoredMessage> history(String session) {
        return read(c -> messages(c, session, false));
    }

    /** Every message ever stored for the session, superseded revisions included, oldest first. */
    public List<StoredMessage> allMessages(String session) {
        return read(c -> messages(c, session, true));
    }

    /**
     * The current revision's messages from id {@code from} on, oldest first: what a beat's context can
     * still need (see {@link #contextFrom}).
     */
    public List<StoredMessage> historyFrom(String session, long from) {
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT m.id, m.revision, m.created_at, m.beat_id, m.body "
                    + "FROM messages m JOIN sessions s ON s.name = m.session AND m.revision = s.revision "
                    + "WHERE m.session = ? AND m.id >= ? ORDER BY m.id")) {
                ps.setString(1, session);
                ps.setLong(2, from);
                return readMessages(ps, session);
            }
        });
    }

    /** The message id the session's next context is read from; 0 for the whole current revision. */
    public long contextFrom(String session) {
        return read(c -> {
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
        write(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE sessions SET context_from = ? WHERE name = ? AND context_from < ?")) {
                ps.setLong(1, from);
                ps.setString(2, session);
                ps.setLong(3, from);
                ps.executeUpdate();
            }
            return null;
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
        List<StoredMessage> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                // One unreadable row must not make the whole session unreadable (a dead agent): it is
                // left out, kept in the table, and reported; the repair then heals the gap it leaves.
                try {
                    out.add(new StoredMessage(rs.getLong(1), rs.getInt(2), OffsetDateTime.parse(rs.getString(3)),
                            rs.getString(4), Json.read(rs.getString(5), Message.class)));
                } catch (RuntimeException unreadable) {
                    org.slf4j.LoggerFactory.getLogger(Store.class).warn("session {}: stored message {} cannot be "
                            + "read and is left out ({}); it stays in the database", session, rs.getLong(1),
                            unreadable.getMessage() == null ? unreadable.getClass().getSimpleName()
                                    : unreadable.getMessage().lines().findFirst().orElse(""));
                }
            }
        }
        return out;
    }

    /**
     * Writes {@code messages} as the session's next revision, with the actions that produced it, in one
     * transaction. The rows of earlier revisions stay: superseded, never deleted.
     */
    public List<StoredMessage> writeRevision(String session, List<Entry> messages,
                                                          List<Decision.RepairRecord> actions, String beatId) {
        return writeRevision(session, messages, actions, beatId, -1);
    }

    /**
     * The same, refusing when the current revision's newest message is no longer {@code readUpTo}: a
     * beat appended to it after the repair read it, and writing would drop that message from the history.
     */
    public List<StoredMessage> writeRevision(String session, List<Entry> messages,
                                                          List<Decision.RepairRecord> actions, String beatId,
                                                          long readUpTo) {
        return write(c -> {
            if (readUpTo >= 0) {
                try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(max(m.id), 0) FROM messages m "
                        + "JOIN sessions s ON s.name = m.session AND s.revision = m.revision WHERE m.session = ?")) {
                    ps.setString(1, session);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        if (rs.getLong(1) != readUpTo) {
                            throw new StoreException("the session '" + session + "' changed while it was being repaired "
                                    + "(a beat wrote to it); nothing was written, run the repair again");
                        }
                    }
                }
            }
            Optional<Summary> summary = summary(c, session);
            int revision = currentRevision(c, session) + 1;
            List<StoredMessage> out = new ArrayList<>(messages.size());
            long summaryCoversTo = 0;
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO messages (session, revision, role, body, beat_id, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                    Statement.RETURN_GENERATED_KEYS)) {
                OffsetDateTime now = OffsetDateTime.now(clock);
                for (Entry e : messages) {
                    // Copied messages keep their beat and time; messages the repair made are the repairer's.
                    Message m = e.message();
                    OffsetDateTime at = e.createdAt() != null ? e.createdAt() : now;
                    String beat = e.createdAt() != null ? e.beatId() : beatId;
                    ps.setString(1, session);
                    ps.setInt(2, revision);
                    ps.setString(3, m.role());
                    ps.setString(4, Json.write(m));
                    ps.setString(5, beat);
                    ps.setString(6, at.toString());
                    ps.executeUpdate();
                    try (ResultSet keys = ps.getGeneratedKeys()) {
                        keys.next();
                        out.add(new StoredMessage(keys.getLong(1), revision, at, beat, m));
                    }
                    // The summary covers the same messages in the new revision: up to the copy of the last
                    // one it covered (messages the repair made in between come along with it).
                    if (summary.isPresent() && e.id() > 0 && e.id() <= summary.get().coversTo()) {
                        summaryCoversTo = out.get(out.size() - 1).id();
                    }
                }
            }
            if (summary.isPresent() && summaryCoversTo > 0) {
                insertSummary(c, session, revision, new Summary(summaryCoversTo, summary.get().method(),
                        summary.get().text(), summary.get().untrusted()));
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO session_repairs (session, revision, beat_id, rule, detail, message_ids, before_json, "
                            + "after_json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (Decision.RepairRecord a : actions) {
                    ps.setString(1, session);
                    ps.setInt(2, revision);
                    ps.setString(3, beatId);
                    ps.setString(4, a.rule());
                    ps.setString(5, a.detail());
                    ps.setString(6, Json.write(a.messageIds()));
                    ps.setString(7, a.before());
                    ps.setString(8, a.after());
                    ps.setString(9, now());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE sessions SET revision = ?, updated_at = ?, context_from = 0 WHERE name = ?")) {
                ps.setInt(1, revision);
                ps.setString(2, now());
                ps.setString(3, session);
                ps.executeUpdate();
            }
            return out;
        });
    }

    /** A stored repair action and the revision it produced. */
    public record StoredRepair(int revision, String beatId, OffsetDateTime at, Decision.RepairRecord action) {
    }

    public List<StoredRepair> repairs(String session) {
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT revision, beat_id, created_at, rule, detail, message_ids, before_json, after_json "
                            + "FROM session_repairs WHERE session = ? ORDER BY id")) {
                ps.setString(1, session);
                List<StoredRepair> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        List<Long> ids = new ArrayList<>();
                        Json.tree(rs.getString(6)).forEach(n -> ids.add(n.asLong()));
                        out.add(new StoredRepair(rs.getInt(1), rs.getString(2), OffsetDateTime.parse(rs.getString(3)),
                                new Decision.RepairRecord(rs.getString(4), rs.getString(5), ids, rs.getString(7),
                                        rs.getString(8))));
                    }
                }
                return out;
            }
        });
    }

    /** The raw text kept for a session: lines an import could not read. */
    public record RawLine(String source, int line, String raw, String problem) {
    }

    public List<RawLine> rawLines(String session) {
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT source, line, raw, problem FROM session_raw WHERE session = ? ORDER BY id")) {
                ps.setString(1, session);
                List<RawLine> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new RawLine(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getString(4)));
                    }
                }
                return out;
            }
        });
    }

    /** A compacted summary of a session's history up to (and including) message {@code coversTo}. */
    public record Summary(long coversTo, String method, String text, boolean untrusted) {
        public Summary(long coversTo, String method, String text) {
            this(coversTo, method, text, false);
        }

    }

    public Optional<Summary> summary(String session) {
        return read(c -> summary(c, session));
    }

    private static Optional<Summary> summary(Connection c, String session) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT covers_to, method, text, untrusted FROM session_summaries s WHERE s.session = ? AND s.revision = "
                        + "(SELECT revision FROM sessions WHERE name = ?) ORDER BY covers_to DESC, id DESC LIMIT 1")) {
            ps.setString(1, session);
            ps.setString(2, session);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Summary(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4) != 0))
                        : Optional.empty();
            }
        }
    }

    public void putSummary(String session, Summary summary) {
        write(c -> {
            insertSummary(c, session, currentRevision(c, session), summary);
            return null;
        });
    }

    private void insertSummary(Connection c, String session, int revision, Summary summary) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO session_summaries (session, revision, covers_to, method, text, created_at, untrusted) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, session);
            ps.setInt(2, revision);
            ps.setLong(3, summary.coversTo());
            ps.setString(4, summary.method());
            ps.setString(5, summary.text());
            ps.setString(6, now());
            ps.setInt(7, summary.untrusted() ? 1 : 0);
            ps.executeUpdate();
        }
    }

    /**
     * Deletes the given messages of a session and, with {@code superseded}, every row of its earlier
     * revisions, in one transaction. Only prune calls this, after writing its archive.
     */
    public int deleteMessages(String session, List<Long> ids, boolean superseded) {
        return write(c -> {
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
            touch(c, session, OffsetDateTime.now(clock));
            return deleted;
        });
    }

    /** When the oldest message the session still holds (any revision) was stored. */
    public Optional<OffsetDateTime> oldestMessage(String session) {
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT created_at FROM messages WHERE session = ? ORDER BY id LIMIT 1")) {
                ps.setString(1, session);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(OffsetDateTime.parse(rs.getString(1))) : Optional.<OffsetDateTime>empty();
                }
            }
        });
    }

    /** The bytes of message JSON the session's current revision holds. */
    public long sessionBytes(String session) {
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(sum(length(m.body)), 0) FROM messages m "
                    + "JOIN sessions s ON s.name = m.session AND s.revision = m.revision WHERE m.session = ?")) {
                ps.setString(1, session);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : 0L;
                }
            }
        });
    }

    /** Keeps text that could not be read as a message, with where it came from and why it was skipped. */
    public void keepRaw(String session, String source, int line, String raw, String problem) {
        write(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO session_raw (session, source, line, raw, problem, created_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, session);
                ps.setString(2, source);
                ps.setInt(3, line);
                ps.setString(4, raw);
                ps.setString(5, problem);
                ps.setString(6, now());
                ps.executeUpdate();
            }
            return null;
        });
    }

    // ---------------------------------------------------------------- decisions

    // ---------------------------------------------------------------- state

    // ---------------------------------------------------------------- tool intents

    // ---------------------------------------------------------------- crash recovery

    /**
     * How far back to look for a crashed beat's messages. Every start completes the beats before it, so
     * an unfinished one is always among the newest messages; this keeps the check off the whole history.
     */
    private static final int RECENT_MESSAGES = 5000;
    /** The same for ticks: only the newest fence rows are looked at. */
    private static final int RECENT_TICKS = 1000;

    /** A beat that left messages or a started side effect behind but no decision: the process died in it. */
    public record Interrupted(String beatId, OffsetDateTime since, List<String> openCalls, Decision.Trigger trigger) {
    }

    /**
     * The beats of {@code session} a crash cut short: messages or started intents and no decision, or
     * a tick of {@code agent} taken and nothing else (a crash before the beat stored anything, such as
     * during its first model call). Call it holding the agent's beat lock: a beat takes its tick only while
     * it holds that lock, and records that run without it take the tick and their decision at once, so any
     * other tick without a decision belongs to a beat that died. {@code running} is the caller's own beat, whose fence is already taken.
     */
    public List<Interrupted> interruptedBeats(String session, String agent, String running) {
        return read(c -> {
            Map<String, Interrupted> found = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT b.beat_id, b.started_at, b.trigger_type FROM "
                    + "(SELECT beat_id, started_at, trigger_type FROM beats_started WHERE agent = ? "
                    + "ORDER BY started_at DESC LIMIT " + RECENT_TICKS + ") b "
                    + "WHERE NOT EXISTS (SELECT 1 FROM decisions d WHERE d.id = b.beat_id) ORDER BY b.started_at")) {
                ps.setString(1, agent);
                ResultSet rs = ps.executeQuery();
                while (rs.next()) {
                    if (!rs.getString(1).equals(running)) {
                        found.put(rs.getString(1), new Interrupted(rs.getString(1), OffsetDateTime.parse(rs.getString(2)),
                                new ArrayList<>(), Decision.Trigger.fromWire(rs.getString(3))));
                    }
                }
            }
            // Beats from before every beat was put on record at its start: found by what they left.
            try (PreparedStatement ps = c.prepareStatement("SELECT m.beat_id, min(m.created_at) "
                         + "FROM (SELECT beat_id, created_at FROM messages WHERE session = ? ORDER BY id DESC LIMIT " + RECENT_MESSAGES
                         + ") m "
                         + "WHERE m.beat_id IS NOT NULL "
                         + "AND NOT EXISTS (SELECT 1 FROM decisions d WHERE d.id = m.beat_id) GROUP BY m.beat_id")) {
                ps.setString(1, session);
                ResultSet rs = ps.executeQuery();
                while (rs.next()) {
                    found.putIfAbsent(rs.getString(1), new Interrupted(rs.getString(1),
                            OffsetDateTime.parse(rs.getString(2)), new ArrayList<>(), null));
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT i.beat_id, i.started_at, i.tool, i.call_id "
                    + "FROM tool_intents i WHERE i.status = 'started' "
                    + "AND NOT EXISTS (SELECT 1 FROM decisions d WHERE d.id = i.beat_id) "
                    + "AND EXISTS (SELECT 1 FROM messages x WHERE x.beat_id = i.beat_id AND x.session = ?) "
                    + "ORDER BY i.started_at")) {
                ps.setString(1, session);
                ResultSet rs = ps.executeQuery();
                while (rs.next()) {
                    Interrupted beat = found.computeIfAbsent(rs.getString(1), id -> new Interrupted(id,
                            parseTime(rs), new ArrayList<>(), null));
                    beat.openCalls().add(rs.getString(3) + " (" + rs.getString(4) + ")");
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT f.beat_id, f.taken_at FROM (SELECT beat_id, taken_at "
                    + "FROM beat_fence WHERE agent = ? ORDER BY taken_at DESC LIMIT " + RECENT_TICKS + ") f "
                    + "WHERE NOT EXISTS (SELECT 1 FROM decisions d WHERE d.id = f.beat_id) ORDER BY f.taken_at")) {
                ps.setString(1, agent);
                ResultSet rs = ps.executeQuery();
                while (rs.next()) {
                    if (!rs.getString(1).equals(running)) {
                        found.computeIfAbsent(rs.getString(1), id -> new Interrupted(id, parseTime(rs),
                                new ArrayList<>(), null));
                    }
                }
            }
            // What is left of beats whose decisions were archived (their messages, fences) is no sign of a crash:
            // nothing that began before the newest archived beat is still waiting to be put on record.
            Optional<OffsetDateTime> archivedUpTo = archivedThroughStart(c);
            List<Interrupted> out = new ArrayList<>();
            for (Interrupted beat : found.values()) {
                if (archivedUpTo.isEmpty() || beat.since().isAfter(archivedUpTo.get())) {
                    out.add(beat);
                }
            }
            return out;
        });
    }

    private static Optional<OffsetDateTime> archivedThroughStart(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT max(through_started_at) FROM decision_archives")) {
            return rs.next() && rs.getString(1) != null ? Optional.of(OffsetDateTime.parse(rs.getString(1)))
                    : Optional.empty();
        }
    }

    private static OffsetDateTime parseTime(ResultSet rs) {
        try {
            return OffsetDateTime.parse(rs.getString(2));
        } catch (SQLException e) {
            throw new StoreException("reading an intent failed: " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- notification dedupe

    // ---------------------------------------------------------------- the webhook outbox

    // ---------------------------------------------------------------- approvals

    // ---------------------------------------------------------------- wake requests

    // ---------------------------------------------------------------- the kill switch in the store

    // ---------------------------------------------------------------- the fence and the cluster

    // ---------------------------------------------------------------- plumbing

    private String now() {
        return jdbc.now();
    }

    private static String utc(OffsetDateTime t) {
        return Jdbc.utc(t);
    }

    private <T> T read(Jdbc.Work<T> work) {
        return jdbc.read(work);
    }

    private <T> T write(Jdbc.Work<T> work) {
        return jdbc.write(work);
    }

    @Override
    public void close() {
        jdbc.close();
    }
}
