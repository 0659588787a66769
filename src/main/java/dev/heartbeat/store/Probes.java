package dev.heartbeat.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What the probes found: each probe's last run (its result stands until the probe is due again) and the
 * fingerprint the model was last shown, and when the model last looked at all of them.
 */
public final class Probes {
    private final Jdbc jdbc;

    Probes(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * A probe's last run: its {@code fingerprint} (null when it failed, with the {@code error}), its bounded
     * {@code result}, when it ran, and the fingerprint the model last saw ({@code seen}, null: never).
     */
    public record Run(
            String name,
            @Nullable String fingerprint,
            @Nullable String result,
            @Nullable String error,
            Instant ranAt,
            @Nullable String seen) {}

    /** Every probe of the agent that ran, by name. */
    public Map<String, Run> runs(String agent) {
        return jdbc.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT name, fingerprint, result, error, ran_at, seen_fingerprint FROM probes WHERE agent = ?")) {
                ps.setString(1, agent);
                Map<String, Run> out = new LinkedHashMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(
                                rs.getString(1),
                                new Run(
                                        rs.getString(1),
                                        rs.getString(2),
                                        rs.getString(3),
                                        rs.getString(4),
                                        Instant.parse(rs.getString(5)),
                                        rs.getString(6)));
                    }
                }
                return out;
            }
        });
    }

    /** Keeps a probe's new run; what the model last saw of it stays. */
    public void ran(String agent, Run run) {
        jdbc.update(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO probes (agent, name, fingerprint, result, error, ran_at) VALUES (?, ?, ?, ?, ?, ?) "
                            + "ON CONFLICT (agent, name) DO UPDATE SET fingerprint = excluded.fingerprint, "
                            + "result = excluded.result, error = excluded.error, ran_at = excluded.ran_at")) {
                ps.setString(1, agent);
                ps.setString(2, run.name());
                ps.setString(3, run.fingerprint());
                ps.setString(4, run.result());
                ps.setString(5, run.error());
                ps.setString(6, run.ranAt().toString());
                ps.executeUpdate();
            }
        });
    }

    /**
     * The model was shown these fingerprints (a failed probe's is left as it was, so its recovery to the old
     * value is no news), at {@code at}: one transaction.
     */
    public void seen(String agent, Map<String, String> fingerprints, Instant at) {
        jdbc.update(c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("UPDATE probes SET seen_fingerprint = ? WHERE agent = ? AND name = ?")) {
                for (Map.Entry<String, String> e : fingerprints.entrySet()) {
                    ps.setString(1, e.getValue());
                    ps.setString(2, agent);
                    ps.setString(3, e.getKey());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO probe_looks (agent, looked_at) VALUES (?, ?) "
                    + "ON CONFLICT (agent) DO UPDATE SET looked_at = excluded.looked_at")) {
                ps.setString(1, agent);
                ps.setString(2, at.toString());
                ps.executeUpdate();
            }
        });
    }

    /** When the model last looked at the probes' results; empty when it never has. */
    public Optional<Instant> lookedAt(String agent) {
        return jdbc.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT looked_at FROM probe_looks WHERE agent = ?")) {
                ps.setString(1, agent);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(Instant.parse(rs.getString(1))) : Optional.<Instant>empty();
                }
            }
        });
    }
}
