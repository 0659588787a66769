package dev.heartbeat.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The summary that stands for a session's older turns, per revision: made when turns no longer fit the
 * context, carried into a repair's new revision, marked untrusted when what it folded was.
 */
public final class Summaries {
    private final Jdbc jdbc;

    Summaries(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** A compacted summary of a session's history up to (and including) message {@code coversTo}. */
    public record Summary(long coversTo, String method, String text, boolean untrusted) {
        public Summary(long coversTo, String method, String text) {
            this(coversTo, method, text, false);
        }
    }

    /** The summary standing for the session's older turns, if any. */
    public Optional<Summary> get(String session) {
        return jdbc.read(c -> of(c, session));
    }

    static Optional<Summary> of(Connection c, String session) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT covers_to, method, text, untrusted FROM session_summaries s WHERE s.session = ? AND s.revision = "
                        + "(SELECT revision FROM sessions WHERE name = ?) ORDER BY covers_to DESC, id DESC LIMIT 1")) {
            ps.setString(1, session);
            ps.setString(2, session);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next()
                        ? Optional.of(new Summary(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4) != 0))
                        : Optional.empty();
            }
        }
    }

    /** Stores a new summary for the session's current revision. */
    public void put(String session, Summary summary) {
        jdbc.update(c -> {
            insert(c, session, Sessions.currentRevision(c, session), jdbc.now(), summary);
        });
    }

    /** Inserts a summary on {@code c}, inside the caller's transaction (a revision write carries it over). */
    static void insert(Connection c, String session, int revision, String now, Summary summary) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO session_summaries (session, revision, covers_to, method, text, created_at, untrusted) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, session);
            ps.setInt(2, revision);
            ps.setLong(3, summary.coversTo());
            ps.setString(4, summary.method());
            ps.setString(5, summary.text());
            ps.setString(6, now);
            ps.setInt(7, summary.untrusted() ? 1 : 0);
            ps.executeUpdate();
        }
    }
}
