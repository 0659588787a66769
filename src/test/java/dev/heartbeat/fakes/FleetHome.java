package dev.heartbeat.fakes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A home for three agents in one file, beating every second over one SQLite store: disk-watch and billing-watch
 * on one provider, cert-watch on another (a test makes that one hang); and what their store then holds.
 */
public final class FleetHome {
    public static final List<String> AGENTS = List.of("disk-watch", "billing-watch", "cert-watch");

    private final Path home;

    public FleetHome(Path home, FakeProvider shared, FakeProvider certs, int metricsPort) throws IOException {
        this.home = home;
        String yaml = "observability:\n  http: \"127.0.0.1:" + metricsPort + "\"\n"
                + "model:\n  provider: openai\n  name: test-model\n  base-url: " + shared.baseUrl() + "\n"
                + "  api-key: ${HB_TEST_KEY}\n  timeout: 3s\n  max-retries: 0\n"
                + "storage:\n  url: sqlite:state/heartbeat.db\n"
                + "heartbeat:\n  every: 1s\n  shutdown-grace: 3s\n"
                + "notify:\n  channels:\n    - { type: file, path: notifications.jsonl }\n"
                + "agents:\n"
                + "  - { name: disk-watch }\n"
                + "  - { name: billing-watch }\n"
                + "  - name: cert-watch\n"
                + "    model: { base-url: \"" + certs.baseUrl() + "\", timeout: 2s }\n";
        Files.writeString(config(), yaml, StandardCharsets.UTF_8);
        for (String agent : AGENTS) {
            Path workspace = Files.createDirectories(home.resolve("sessions").resolve(agent));
            Files.writeString(workspace.resolve("HEARTBEAT.md"), "# Checks\n- Is " + agent + " fine?\n");
        }
    }

    public Path config() {
        return home.resolve("agent.yaml");
    }

    public Path database() {
        return home.resolve("state/heartbeat.db");
    }

    /** A tick an agent's beat took: when it was due and when the beat took it. */
    public record Tick(Instant scheduledAt, Instant takenAt) {
        public Duration late() {
            return Duration.between(scheduledAt, takenAt);
        }
    }

    /** The ticks an agent's beats took (its fence), in order. */
    public List<Tick> ticks(String agent) throws SQLException {
        List<Tick> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + database());
                PreparedStatement ps = c.prepareStatement(
                        "SELECT scheduled_at, taken_at FROM beat_fence WHERE agent = ? ORDER BY scheduled_at")) {
            ps.setString(1, agent);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Tick(Instant.parse(rs.getString(1)), Instant.parse(rs.getString(2))));
                }
            }
        }
        return out;
    }

    /** How many of an agent's decisions had each outcome. */
    public Map<String, Integer> outcomes(String agent) throws SQLException {
        Map<String, Integer> out = new HashMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + database());
                PreparedStatement ps = c.prepareStatement(
                        "SELECT outcome, count(*) FROM decisions WHERE agent = ? GROUP BY outcome")) {
            ps.setString(1, agent);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getInt(2));
                }
            }
        }
        return out;
    }
}
