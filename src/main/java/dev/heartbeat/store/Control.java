package dev.heartbeat.store;

import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What operators tell a running agent through the store: wake requests (`wake`, taken by one daemon at a
 * time) and the pause kept in the database (`pause`, for every node), and the watchdog's ping.
 */
public final class Control {
    private final Jdbc jdbc;

    Control(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Asks a running daemon for a beat of {@code agent} now; returns the request's id. */
    public long requestWake(String agent, @Nullable String reason) {
        return jdbc.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO wake_requests (agent, reason, requested_at) VALUES (?, ?, ?)",
                    Statement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, agent);
                ps.setString(2, reason);
                ps.setString(3, jdbc.now());
                ps.executeUpdate();
                long id;
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    keys.next();
                    id = keys.getLong(1);
                }
                jdbc.database().signalWake(c, agent);
                return id;
            }
        });
    }

    /** A wake request a daemon took. */
    public record Wake(long id, @Nullable String reason, OffsetDateTime requestedAt) {}

    /**
     * Takes every open wake request at once, so no other daemon takes them too: a flood of wakes makes one
     * beat, not one a second. The reasons are joined (the first five, then how many more).
     */
    public Optional<Wake> takeWake(String agent, String takenBy) {
        return jdbc.write(c -> {
            List<Wake> open = new ArrayList<>();
            // A request with no agent was stored by a release before agents were named in it: any agent takes it.
            try (PreparedStatement ps = c.prepareStatement("SELECT id, reason, requested_at FROM wake_requests "
                    + "WHERE taken_at IS NULL AND (agent = ? OR agent IS NULL) ORDER BY id")) {
                ps.setString(1, agent);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        open.add(new Wake(rs.getLong(1), rs.getString(2), OffsetDateTime.parse(rs.getString(3))));
                    }
                }
            }
            if (open.isEmpty()) {
                return Optional.<Wake>empty();
            }
            long last = open.get(open.size() - 1).id();
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE wake_requests SET taken_at = ?, taken_by = ? WHERE id <= ? AND taken_at IS NULL "
                            + "AND (agent = ? OR agent IS NULL)")) {
                ps.setString(1, jdbc.now());
                ps.setString(2, takenBy);
                ps.setLong(3, last);
                ps.setString(4, agent);
                if (ps.executeUpdate() == 0) {
                    return Optional.<Wake>empty();
                }
            }
            List<String> reasons = open.stream()
                    .map(Wake::reason)
                    .filter(Objects::nonNull)
                    .distinct()
                    .toList();
            String reason = reasons.isEmpty()
                    ? null
                    : String.join("; ", reasons.subList(0, Math.min(5, reasons.size())))
                            + (reasons.size() > 5 ? " (and " + (reasons.size() - 5) + " more)" : "")
                            + (open.size() > 1 ? " [" + open.size() + " wake requests]" : "");
            return Optional.of(new Wake(open.get(0).id(), reason, open.get(0).requestedAt()));
        });
    }

    /** Listens for wake requests other processes store (see {@link Database#signalWake}). */
    public WakeSignals listenForWakes(Runnable onWake) {
        try {
            return jdbc.database().listenForWakes(onWake);
        } catch (SQLException | IOException e) {
            throw new StoreException("cannot listen for wake requests: " + e.getMessage(), e);
        }
    }

    /** Whether the database answers: the daemon's liveness check. */
    public boolean ping() {
        try {
            return jdbc.read(c -> {
                try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("SELECT 1")) {
                    return rs.next();
                }
            });
        } catch (StoreException e) {
            return false;
        }
    }

    /** A pause set with 'pause' on a shared store. */
    public record Pause(String reason, Instant since, String by) {}

    public Optional<Pause> pause(String agent) {
        return jdbc.read(c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT reason, paused_at, paused_by FROM pauses WHERE agent = ?")) {
                ps.setString(1, agent);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next()
                            ? Optional.of(new Pause(rs.getString(1), Instant.parse(rs.getString(2)), rs.getString(3)))
                            : Optional.<Pause>empty();
                }
            }
        });
    }

    public void setPause(String agent, String reason, String by) {
        jdbc.update(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO pauses (agent, reason, paused_at, paused_by) "
                    + "VALUES (?, ?, ?, ?) ON CONFLICT (agent) DO UPDATE SET reason = excluded.reason, "
                    + "paused_at = excluded.paused_at, paused_by = excluded.paused_by")) {
                ps.setString(1, agent);
                ps.setString(2, reason);
                ps.setString(3, jdbc.now());
                ps.setString(4, by);
                ps.executeUpdate();
            }
        });
    }

    /** Removes the agent's pause; false when there was none. */
    public boolean clearPause(String agent) {
        return jdbc.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM pauses WHERE agent = ?")) {
                ps.setString(1, agent);
                return ps.executeUpdate() > 0;
            }
        });
    }
}
