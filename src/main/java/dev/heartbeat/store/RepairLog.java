package dev.heartbeat.store;

import dev.heartbeat.audit.Decision;
import dev.heartbeat.support.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What was done to a session's history and what could not be read into it: the repair actions each
 * revision records (written with the revision, in its transaction) and the raw lines an import kept.
 */
public final class RepairLog {
    private final Jdbc jdbc;

    RepairLog(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** A stored repair action and the revision it produced. */
    public record StoredRepair(int revision, String beatId, OffsetDateTime at, Decision.RepairRecord action) {}

    /** The raw text kept for a session: lines an import could not read. */
    public record RawLine(String source, int line, String raw, String problem) {}

    /** Records the actions that produced {@code revision}, inside the transaction that writes it. */
    static void insert(
            Connection c,
            String session,
            int revision,
            @Nullable String beatId,
            List<Decision.RepairRecord> actions,
            String now)
            throws SQLException {
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
                ps.setString(9, now);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Every repair action recorded for the session, oldest first. */
    public List<StoredRepair> repairs(String session) {
        return jdbc.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT revision, beat_id, created_at, rule, detail, message_ids, before_json, after_json "
                            + "FROM session_repairs WHERE session = ? ORDER BY id")) {
                ps.setString(1, session);
                List<StoredRepair> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        List<Long> ids = new ArrayList<>();
                        Json.tree(rs.getString(6)).forEach(n -> ids.add(n.asLong()));
                        out.add(new StoredRepair(
                                rs.getInt(1),
                                rs.getString(2),
                                OffsetDateTime.parse(rs.getString(3)),
                                new Decision.RepairRecord(
                                        rs.getString(4), rs.getString(5), ids, rs.getString(7), rs.getString(8))));
                    }
                }
                return out;
            }
        });
    }

    /** The lines kept for the session because an import could not read them, in order. */
    public List<RawLine> rawLines(String session) {
        return jdbc.read(c -> {
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

    /**
     * Deletes the given
     *
     * /** Keeps text that could not be read as a message, with where it came from and why it was skipped. */
    public void keepRaw(String session, String source, int line, String raw, String problem) {
        jdbc.update(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO session_raw (session, source, line, raw, problem, created_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, session);
                ps.setString(2, source);
                ps.setInt(3, line);
                ps.setString(4, raw);
                ps.setString(5, problem);
                ps.setString(6, jdbc.now());
                ps.executeUpdate();
            }
        });
    }
}
