package dev.heartbeat.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heartbeat.fakes.DaemonProcess;
import dev.heartbeat.fakes.FakeOpenAi;
import dev.heartbeat.fakes.FakeProvider;
import dev.heartbeat.fakes.JarProcess;
import dev.heartbeat.fakes.TestAgent;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three agents in one daemon (the jar as a process), one of them on a provider that hangs every call: the other
 * two beat at every tick of their schedule while it times out, each with its own decisions, and the command
 * line sees and addresses each agent.
 */
class FleetIT {
    @TempDir
    Path home;

    FakeOpenAi healthy;
    FakeOpenAi hanging;
    Map<String, String> env;

    @BeforeEach
    void setUp() {
        healthy = new FakeOpenAi(TestAgent.KEY);
        healthy.otherwise(new FakeProvider.Text("HEARTBEAT_OK"));
        hanging = new FakeOpenAi(TestAgent.KEY);
        hanging.otherwise(new FakeProvider.Hang(Duration.ofMinutes(5)));
        env = new HashMap<>(Map.of("HB_TEST_KEY", TestAgent.KEY));
    }

    @AfterEach
    void tearDown() {
        healthy.close();
        hanging.close();
    }

    /** Three agents beating every second; cert-watch's provider never answers (2 s timeout, no retries). */
    static String fleetYaml(FakeOpenAi healthy, FakeOpenAi hanging, int port) {
        return "observability:\n  http: \"127.0.0.1:" + port + "\"\n"
                + "model:\n  provider: openai\n  name: test-model\n  base-url: " + healthy.baseUrl() + "\n"
                + "  api-key: ${HB_TEST_KEY}\n  timeout: 3s\n  max-retries: 0\n"
                + "storage:\n  url: sqlite:state/heartbeat.db\n"
                + "heartbeat:\n  every: 1s\n  shutdown-grace: 3s\n"
                + "notify:\n  channels:\n    - { type: file, path: notifications.jsonl }\n"
                + "agents:\n"
                + "  - { name: disk-watch }\n"
                + "  - { name: billing-watch }\n"
                + "  - name: cert-watch\n"
                + "    model: { base-url: \"" + hanging.baseUrl() + "\", timeout: 2s }\n";
    }

    /** The ticks an agent's beats took (its fence), in order. */
    static List<Instant> ticks(Path db, String agent) throws Exception {
        List<Instant> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                PreparedStatement ps = c.prepareStatement(
                        "SELECT scheduled_at FROM beat_fence WHERE agent = ? ORDER BY scheduled_at")) {
            ps.setString(1, agent);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(Instant.parse(rs.getString(1)));
                }
            }
        }
        return out;
    }

    /** How many of an agent's decisions had each outcome. */
    static Map<String, Integer> outcomes(Path db, String agent) throws Exception {
        Map<String, Integer> out = new HashMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
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

    /** Each agent's checklist in its own workspace (sessions/NAME, the default beside several agents). */
    static void checklists(Path home, String... agents) throws Exception {
        for (String agent : agents) {
            Path workspace = Files.createDirectories(home.resolve("sessions").resolve(agent));
            Files.writeString(workspace.resolve("HEARTBEAT.md"), "# Checks\n- Is " + agent + " fine?\n");
        }
    }

    @Test
    void aHungProviderHoldsUpOnlyItsOwnAgent() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Files.writeString(home.resolve("agent.yaml"), fleetYaml(healthy, hanging, port), StandardCharsets.UTF_8);
        checklists(home, "disk-watch", "billing-watch", "cert-watch");
        Path db = home.resolve("state/heartbeat.db");
        try (DaemonProcess daemon = DaemonProcess.running(env, home.resolve("run.log"), home.resolve("agent.yaml"))) {
            Thread.sleep(Duration.ofSeconds(15).toMillis());
            String metrics = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            assertThat(metrics)
                    .contains("heartbeat_beats_total{agent=\"disk-watch\",outcome=\"quiet\",trigger=\"schedule\"}")
                    .contains("heartbeat_beats_total{agent=\"billing-watch\",outcome=\"quiet\",trigger=\"schedule\"}")
                    .contains("heartbeat_beats_total{agent=\"cert-watch\",outcome=\"failed\",trigger=\"schedule\"}")
                    .contains("heartbeat_model_breaker_open{agent=\"cert-watch\"")
                    .contains("heartbeat_last_success_age_seconds{agent=\"cert-watch\"} NaN");
            assertThat(daemon.terminate(Duration.ofSeconds(30))).isZero();
        }
        for (String agent : List.of("disk-watch", "billing-watch")) {
            List<Instant> ticks = ticks(db, agent);
            assertThat(ticks).as(agent + " beat").hasSizeGreaterThanOrEqualTo(10);
            for (int i = 1; i < ticks.size(); i++) {
                assertThat(Duration.between(ticks.get(i - 1), ticks.get(i)))
                        .as(agent + ": no tick skipped between " + ticks.get(i - 1) + " and " + ticks.get(i))
                        .isEqualTo(Duration.ofSeconds(1));
            }
            assertThat(outcomes(db, agent)).as(agent).containsOnlyKeys("quiet");
        }
        Map<String, Integer> cert = outcomes(db, "cert-watch");
        assertThat(cert)
                .as("the hung agent's beats fail on its provider's timeout")
                .containsKey("failed");
        assertThat(cert).doesNotContainKey("quiet");
        assertThat(hanging.served()).isGreaterThanOrEqualTo(2);

        JarProcess.Result status =
                JarProcess.run(env, "--config", home.resolve("agent.yaml").toString(), "status");
        assertThat(status.exit()).isZero();
        assertThat(status.out())
                .contains("AGENT")
                .contains("disk-watch")
                .contains("billing-watch")
                .contains("cert-watch");

        JarProcess.Result one = JarProcess.run(
                env, "--config", home.resolve("agent.yaml").toString(), "--agent", "cert-watch", "decisions", "list");
        assertThat(one.exit()).isZero();
        assertThat(one.out()).contains("failed").doesNotContain("quiet");
    }
}
