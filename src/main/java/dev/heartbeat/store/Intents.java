package dev.heartbeat.store;

import dev.heartbeat.audit.Decision;
import dev.heartbeat.audit.ToolOutcome;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The beat's journal: the intent to run each side-effecting call (committed before the call runs, closed
 * with its result), and what a running beat did so far (model calls, tool calls, notifications), so a
 * crash can hide neither; and the look across the tables that finds the beats a crash cut short.
 */
public final class Intents {
    /** The status of an intent row from its start until it ends; then it holds the {@link ToolOutcome}. */
    private static final String STARTED = "started";

    private final Jdbc jdbc;

    Intents(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Commits the intent to run a side-effecting call; it must be on disk before the tool runs. */
    public void recordIntent(String beatId, String callId, String tool, String arguments) {
        jdbc.update(c -> {
            insert(c, beatId, callId, tool, arguments, jdbc.now());
        });
    }

    /** Inserts a started intent on {@code c}, inside the caller's transaction (an approved call's start). */
    static void insert(Connection c, String beatId, String callId, String tool, String arguments, String now)
            throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("INSERT INTO tool_intents (beat_id, call_id, tool, arguments, status, started_at) "
                        + "VALUES (?, ?, ?, ?, 'started', ?)")) {
            ps.setString(1, beatId);
            ps.setString(2, callId);
            ps.setString(3, tool);
            ps.setString(4, arguments);
            ps.setString(5, now);
            ps.executeUpdate();
        }
    }

    /** Records how a started call ended; its row stops being a started intent. */
    public void completeIntent(String beatId, String callId, ToolOutcome outcome, String result) {
        jdbc.update(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE tool_intents SET status = ?, result = ?, finished_at = ? WHERE beat_id = ? AND call_id = ?")) {
                ps.setString(1, outcome.wire());
                ps.setString(2, result);
                ps.setString(3, jdbc.now());
                ps.setString(4, beatId);
                ps.setString(5, callId);
                ps.executeUpdate();
            }
        });
    }

    /** One thing a running beat did (kind: model_call, tool_call or notification), as JSON. */
    public record BeatEvent(String kind, String json) {}

    /** Puts what a running beat just did on record, so a crash after it cannot hide it. */
    public void recordBeatEvent(String beatId, String kind, String json) {
        jdbc.update(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO beat_events (beat_id, kind, body, created_at) VALUES (?, ?, ?, ?)")) {
                ps.setString(1, beatId);
                ps.setString(2, kind);
                ps.setString(3, json);
                ps.setString(4, jdbc.now());
                ps.executeUpdate();
            }
        });
    }

    public List<BeatEvent> beatEvents(String beatId) {
        return jdbc.read(c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT kind, body FROM beat_events WHERE beat_id = ? ORDER BY id")) {
                ps.setString(1, beatId);
                List<BeatEvent> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new BeatEvent(rs.getString(1), rs.getString(2)));
                    }
                }
                return out;
            }
        });
    }

    /**
     * A side-effecting call a beat started, as its intent row says: its outcome once it ended (or was
     * marked interrupted), empty while it is started and not finished.
     */
    public record Intent(String callId, String tool, String arguments, Optional<ToolOutcome> outcome) {
        public boolean unfinished() {
            return outcome.isEmpty();
        }
    }

    public List<Intent> intents(String beatId) {
        return jdbc.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT call_id, tool, arguments, status FROM tool_intents WHERE beat_id = ? ORDER BY started_at")) {
                ps.setString(1, beatId);
                List<Intent> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String status = rs.getString(4);
                        out.add(new Intent(
                                rs.getString(1),
                                rs.getString(2),
                                rs.getString(3),
                                STARTED.equals(status) ? Optional.empty() : Optional.of(ToolOutcome.parse(status))));
                    }
                }
                return out;
            }
        });
    }

    /** Marks a crashed beat's started intents as interrupted: their outcome is unknown, they are never re-run. */
    public void interruptIntents(String beatId) {
        jdbc.update(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE tool_intents SET status = 'interrupted', "
                    + "finished_at = ? WHERE beat_id = ? AND status = 'started'")) {
                ps.setString(1, jdbc.now());
                ps.setString(2, beatId);
                ps.executeUpdate();
            }
        });
    }

    /**
     * How far back to look at most for a crashed beat's messages. Every start completes the beats before it, so
     * an unfinished one is always among the newest messages; the walk stops at the first message of a beat on
     * record, and this bounds it where there is none (a session imported, never beaten on).
     */
    private static final int RECENT_MESSAGES = 5000;

    /** Side effects begun and never finished, of beats not on record, that wrote to {@code session}. */
    static final String OPEN_INTENTS = "SELECT i.beat_id, i.started_at, i.tool, i.call_id "
            + "FROM tool_intents i WHERE i.status = 'started' "
            + "AND NOT EXISTS (SELECT 1 FROM decisions d WHERE d.id = i.beat_id) "
            + "AND EXISTS (SELECT 1 FROM messages x WHERE x.beat_id = i.beat_id AND x.session = ?) "
            + "ORDER BY i.started_at";

    /** The same for ticks: only the newest fence rows are looked at. */
    private static final int RECENT_TICKS = 1000;

    /** A beat that left messages or a started side effect behind but no decision: the process died in it. */
    public record Interrupted(
            String beatId, OffsetDateTime since, List<String> openCalls, Decision.@Nullable Trigger trigger) {}

    /**
     * The beats of {@code session} a crash cut short: messages or started intents and no decision, or
     * a tick of {@code agent} taken and nothing else (a crash before the beat stored anything, such as
     * during its first model call). Call it holding the agent's beat lock: a beat takes its tick only while
     * it holds that lock, and records that run without it take the tick and their decision at once, so any
     * other tick without a decision belongs to a beat that died. {@code running} is the caller's own beat, whose fence is already taken.
     */
    public List<Interrupted> interruptedBeats(String session, String agent, String running) {
        return jdbc.read(c -> {
            Map<String, Interrupted> found = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT b.beat_id, b.started_at, b.trigger_type FROM "
                    + "(SELECT beat_id, started_at, trigger_type FROM beats_started WHERE agent = ? "
                    + "ORDER BY started_at DESC LIMIT " + RECENT_TICKS + ") b "
                    + "WHERE NOT EXISTS (SELECT 1 FROM decisions d WHERE d.id = b.beat_id) ORDER BY b.started_at")) {
                ps.setString(1, agent);
                ResultSet rs = ps.executeQuery();
                while (rs.next()) {
                    if (!rs.getString(1).equals(running)) {
                        found.put(
                                rs.getString(1),
                                new Interrupted(
                                        rs.getString(1),
                                        OffsetDateTime.parse(rs.getString(2)),
                                        new ArrayList<>(),
                                        Decision.Trigger.fromWire(rs.getString(3))));
                    }
                }
            }
            // Beats from before every beat was put on record at its start: found by what they left. Every start
            // completes the beats before it, so a beat that died is newer than any beat on record: the newest
            // messages are walked in the index's own order (a newer revision's rows have higher ids; ORDER BY id
            // alone made SQLite read and sort the whole session) only down to the first of a beat on record. After
            // a beat that ended well that is its own last message: a few rows however long the session, where
            // reading the newest 5,000 every beat made a beat's cost grow with the session up to that length.
            Map<String, OffsetDateTime> leftMessages = new TreeMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT m.beat_id, m.created_at, "
                    + "EXISTS (SELECT 1 FROM decisions d WHERE d.id = m.beat_id) FROM messages m "
                    + "WHERE m.session = ? ORDER BY m.revision DESC, m.id DESC LIMIT " + RECENT_MESSAGES)) {
                ps.setString(1, session);
                ResultSet rs = ps.executeQuery();
                while (rs.next()) {
                    String beatId = rs.getString(1);
                    if (beatId == null) {
                        continue; // imported, or written outside a beat
                    }
                    if (rs.getBoolean(3)) {
                        break;
                    }
                    leftMessages.merge(beatId, OffsetDateTime.parse(rs.getString(2)), (a, b) -> a.isBefore(b) ? a : b);
                }
            }
            // Oldest first: beat ids are time-ordered.
            leftMessages.forEach((beatId, since) ->
                    found.putIfAbsent(beatId, new Interrupted(beatId, since, new ArrayList<>(), null)));
            try (PreparedStatement ps = c.prepareStatement(OPEN_INTENTS)) {
                ps.setString(1, session);
                ResultSet rs = ps.executeQuery();
                while (rs.next()) {
                    Interrupted beat = found.computeIfAbsent(
                            rs.getString(1), id -> new Interrupted(id, parseTime(rs), new ArrayList<>(), null));
                    beat.openCalls().add(rs.getString(3) + " (" + rs.getString(4) + ")");
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT f.beat_id, f.taken_at FROM (SELECT beat_id, taken_at "
                            + "FROM beat_fence WHERE agent = ? ORDER BY taken_at DESC LIMIT " + RECENT_TICKS + ") f "
                            + "WHERE NOT EXISTS (SELECT 1 FROM decisions d WHERE d.id = f.beat_id) ORDER BY f.taken_at")) {
                ps.setString(1, agent);
                ResultSet rs = ps.executeQuery();
                while (rs.next()) {
                    if (!rs.getString(1).equals(running)) {
                        found.computeIfAbsent(
                                rs.getString(1), id -> new Interrupted(id, parseTime(rs), new ArrayList<>(), null));
                    }
                }
            }
            // What is left of beats whose decisions were archived (their messages, fences) is no sign of a crash:
            // nothing that began before the newest archived beat is still waiting to be put on record.
            if (found.isEmpty()) {
                return List.<Interrupted>of();
            }
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
            return rs.next() && rs.getString(1) != null
                    ? Optional.of(OffsetDateTime.parse(rs.getString(1)))
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
}
