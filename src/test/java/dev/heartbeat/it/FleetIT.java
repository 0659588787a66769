package dev.heartbeat.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heartbeat.fakes.DaemonProcess;
import dev.heartbeat.fakes.FakeOpenAi;
import dev.heartbeat.fakes.FakeProvider;
import dev.heartbeat.fakes.FleetHome;
import dev.heartbeat.fakes.JarProcess;
import dev.heartbeat.fakes.TestAgent;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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

    @Test
    void aHungProviderHoldsUpOnlyItsOwnAgent() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        FleetHome fleet = new FleetHome(home, healthy, hanging, port);
        try (DaemonProcess daemon = DaemonProcess.running(env, home.resolve("run.log"), fleet.config())) {
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
            List<FleetHome.Tick> ticks = fleet.ticks(agent);
            assertThat(ticks).as(agent + " beat").hasSizeGreaterThanOrEqualTo(10);
            for (int i = 1; i < ticks.size(); i++) {
                Instant before = ticks.get(i - 1).scheduledAt();
                Instant after = ticks.get(i).scheduledAt();
                assertThat(Duration.between(before, after))
                        .as(agent + ": no tick skipped between " + before + " and " + after)
                        .isEqualTo(Duration.ofSeconds(1));
            }
            assertThat(fleet.outcomes(agent)).as(agent).containsOnlyKeys("quiet");
        }
        Map<String, Integer> cert = fleet.outcomes("cert-watch");
        assertThat(cert)
                .as("the hung agent's beats fail on its provider's timeout")
                .containsKey("failed");
        assertThat(cert).doesNotContainKey("quiet");
        assertThat(hanging.served()).isGreaterThanOrEqualTo(2);

        JarProcess.Result status =
                JarProcess.run(env, "--config", fleet.config().toString(), "status");
        assertThat(status.exit()).isZero();
        assertThat(status.out())
                .contains("AGENT")
                .contains("disk-watch")
                .contains("billing-watch")
                .contains("cert-watch");

        JarProcess.Result one = JarProcess.run(
                env, "--config", fleet.config().toString(), "--agent", "cert-watch", "decisions", "list");
        assertThat(one.exit()).isZero();
        assertThat(one.out()).contains("failed").doesNotContain("quiet");
    }
}
