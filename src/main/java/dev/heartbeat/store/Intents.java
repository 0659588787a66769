package dev.heartbeat.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The beat's journal: the intent to run each side-effecting call (committed before the call runs, closed
 * with its result), and what a running beat did so far (model calls, tool calls, notifications), so a
 * crash can hide neither.
 */
public final class Intents {
    private final Jdbc jdbc;

    Intents(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Commits the intent to run a side-effecting call; it must be on disk before the tool runs. */
    public void recordIntent(String beatId, String callId, String tool, String arguments) {
        jdbc.write(c -> {
            insert(c, beatId, callId, tool, arguments, jdbc.now());
            return null;
        });
    }

    /** Inserts a started intent on {@code c}, inside the caller's transaction (an approved call's start). */
    static void insert(Connection c, String beatId, String callId, String tool, String arguments, String now)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO tool_intents (beat_id, call_id, tool, arguments, status, started_at) "
                        + "VALUES (?, ?, ?, ?, 'started', ?)")) {
            ps.setString(1, beatId);
            ps.setString(2, callId);
            ps.setString(3, tool);
            ps.setString(4, arguments);
            ps.setString(5, now);
            ps.executeUpdate();
        }
    }

    public void completeIntent(String beatId, String callId, String status, String result) {
        jdbc.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE tool_intents SET status = ?, result = ?, finished_at = ? WHERE beat_id = ? AND call_id = ?")) {
                ps.setString(1, status);
                ps.setString(2, result);
                ps.setString(3, jdbc.now());
                ps.setString(4, beatId);
                ps.setString(5, callId);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** One thing a running beat did (kind: model_call, tool_call or notification), as JSON. */
    public record BeatEvent(String kind, String json) {
    }

    /** Puts what a running beat just did on record, so a crash after it cannot hide it. */
    public void recordBeatEvent(String beatId, String kind, String json) {
        jdbc.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO beat_events (beat_id, kind, body, created_at) VALUES (?, ?, ?, ?)")) {
                ps.setString(1, beatId);
                ps.setString(2, kind);
                ps.setString(3, json);
                ps.setString(4, jdbc.now());
                ps.executeUpdate();
            }
            return null;
        });
    }

    public List<BeatEvent> beatEvents(String beatId) {
        return jdbc.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT kind, body FROM beat_events WHERE beat_id = ? ORDER BY id")) {
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

    /** A side-effecting call a beat started, as its intent row says. */
    public record Intent(String callId, String tool, String arguments, String status) {
    }

    public List<Intent> intents(String beatId) {
        return jdbc.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT call_id, tool, arguments, status FROM tool_intents WHERE beat_id = ? ORDER BY started_at")) {
                ps.setString(1, beatId);
                List<Intent> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Intent(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)));
                    }
                }
                return out;
            }
        });
    }

    /** Marks a crashed beat's started intents as interrupted: their outcome is unknown, they are never re-run. */
    public void interruptIntents(String beatId) {
        jdbc.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE tool_intents SET status = 'interrupted', "
                    + "finished_at = ? WHERE beat_id = ? AND status = 'started'")) {
                ps.setString(1, jdbc.now());
                ps.setString(2, beatId);
                ps.executeUpdate();
            }
            return null;
        });
    }
}
