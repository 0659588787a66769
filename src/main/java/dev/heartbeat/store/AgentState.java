package dev.heartbeat.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The agent's remembered state: small JSON values under keys (set_state, get_state), each marked when it
 * came from untrusted content, so it keeps the marking wherever it travels.
 */
public final class AgentState {
    private final Jdbc jdbc;

    AgentState(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<String> state(String agent, String key) {
        return jdbc.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT value FROM state WHERE agent = ? AND key = ?")) {
                ps.setString(1, agent);
                ps.setString(2, key);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
                }
            }
        });
    }

    /** The whole state of an agent, keys in order; values are JSON text. */
    public Map<String, String> state(String agent) {
        return jdbc.read(c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT key, value FROM state WHERE agent = ? ORDER BY key")) {
                ps.setString(1, agent);
                Map<String, String> out = new LinkedHashMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString(1), rs.getString(2));
                    }
                }
                return out;
            }
        });
    }

    public void putState(String agent, String key, String jsonValue) {
        jdbc.update(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO state (agent, key, value, updated_at) VALUES (?, ?, ?, ?) "
                            + "ON CONFLICT (agent, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at")) {
                ps.setString(1, agent);
                ps.setString(2, key);
                ps.setString(3, jsonValue);
                ps.setString(4, jdbc.now());
                ps.executeUpdate();
            }
        });
    }

    /** Marks a state key as set from untrusted content (or clears the mark when a clean beat set it). */
    public void taintState(String agent, String key, String beatId, boolean tainted) {
        jdbc.update(c -> {
            if (tainted) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO tainted_state (agent, state_key, beat_id, "
                        + "marked_at) VALUES (?, ?, ?, ?) ON CONFLICT (agent, state_key) DO UPDATE SET "
                        + "beat_id = excluded.beat_id, marked_at = excluded.marked_at")) {
                    ps.setString(1, agent);
                    ps.setString(2, key);
                    ps.setString(3, beatId);
                    ps.setString(4, jdbc.now());
                    ps.executeUpdate();
                }
            } else {
                try (PreparedStatement ps =
                        c.prepareStatement("DELETE FROM tainted_state WHERE agent = ? AND state_key = ?")) {
                    ps.setString(1, agent);
                    ps.setString(2, key);
                    ps.executeUpdate();
                }
            }
        });
    }

    /** The agent's state keys whose values came from untrusted content. */
    public Set<String> taintedState(String agent) {
        return jdbc.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT state_key FROM tainted_state WHERE agent = ?")) {
                ps.setString(1, agent);
                Set<String> out = new TreeSet<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
                return out;
            }
        });
    }
}
