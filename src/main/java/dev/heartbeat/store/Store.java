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
    private final Sessions sessions;
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
        this.sessions = new Sessions(jdbc);
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

    /** Sessions: messages, revisions, repairs, unreadable lines, summaries. */
    public Sessions sessions() {
        return sessions;
    }

    public Database database() {
        return db;
    }

    // ---------------------------------------------------------------- sessions and messages

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
