package dev.heartbeat.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heartbeat.fakes.AgentTest;
import dev.heartbeat.fakes.DaemonProcess;
import dev.heartbeat.fakes.FakeProvider;
import dev.heartbeat.fakes.JarProcess;
import dev.heartbeat.fakes.TestAgent;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The jar as a daemon with observability.http: what a Prometheus scrape and a load balancer's check see. */
class ObservabilityIT extends AgentTest {
    @BeforeEach
    void quietModel() {
        fake.otherwise(new FakeProvider.Text("HEARTBEAT_OK"));
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void metricsInPrometheusFormatAndAHealthCheckWhileTheDaemonRuns() throws Exception {
        int port = freePort();
        agent.yaml("heartbeat:\n  every: 1s\n  shutdown-grace: 2s\n"
                + "budget:\n  daily-tokens: 1000000\n"
                + "pricing:\n  test-model: { input: 0.15, output: 0.6 }\n"
                + "observability:\n  http: \"127.0.0.1:" + port + "\"\n");
        try (DaemonProcess daemon = DaemonProcess.running(agent.env(), home.resolve("run.log"), agent.config())) {
            assertThat(daemon.output()).contains("serving /metrics and /healthz on http://127.0.0.1:" + port);
            long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            String metrics = "";
            // Until a scrape shows a quiet beat and its cost: one scrape reads the meters one by one, in no set
            // order, so a scrape during a beat's recording may read the cost before it and the count after.
            while (System.nanoTime() < until && !(metrics.contains("outcome=\"quiet\"") && priced(metrics))) {
                Thread.sleep(200);
                metrics = get(port, "/metrics").body();
            }
            assertThat(metrics)
                    .contains("heartbeat_beats_total{agent=\"test-agent\",outcome=\"quiet\",trigger=\"schedule\"}")
                    .contains("gen_ai_client_token_usage_count{agent=\"test-agent\",gen_ai_operation_name=\"chat\","
                            + "gen_ai_provider_name=\"openai\",gen_ai_request_model=\"test-model\","
                            + "gen_ai_token_type=\"input\"}")
                    .contains("gen_ai_client_operation_duration_seconds_bucket{agent=\"test-agent\"")
                    .contains("heartbeat_cost_usd_total{agent=\"test-agent\"}")
                    .contains("heartbeat_approvals_pending{agent=\"test-agent\"} 0.0")
                    .contains("heartbeat_outbox{agent=\"test-agent\",status=\"pending\"} 0.0")
                    .contains("heartbeat_model_breaker_open{agent=\"test-agent\",model=\"openai test-model\"} 0.0")
                    .contains("heartbeat_budget_tokens_left{agent=\"test-agent\"}")
                    .contains("heartbeat_last_success_age_seconds{agent=\"test-agent\"}")
                    .contains("jvm_memory_used_bytes")
                    .doesNotContain(TestAgent.KEY);
            // The cost counter is there from the start: a counted beat has put its price on it.
            assertThat(priced(metrics)).as(metrics).isTrue();

            HttpResponse<String> health = get(port, "/healthz");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).isEqualTo("ok\n");
            assertThat(get(port, "/other").statusCode()).isEqualTo(404);

            assertThat(daemon.terminate(Duration.ofSeconds(20))).isZero();
        }
    }

    /** Whether the scrape's cost counter is above 0. */
    private static boolean priced(String metrics) {
        java.util.regex.Matcher cost = java.util.regex.Pattern.compile(
                        "heartbeat_cost_usd_total\\{agent=\"test-agent\"} ([0-9.E-]+)")
                .matcher(metrics);
        return cost.find() && Double.parseDouble(cost.group(1)) > 0;
    }

    @Test
    void aPortInUseStopsTheDaemonWithTheKeyNamed() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            agent.yaml("observability:\n  http: \"127.0.0.1:" + taken.getLocalPort() + "\"\n");
            JarProcess.Result r =
                    JarProcess.run(agent.env(), "--config", agent.config().toString(), "run");
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err())
                    .contains("observability.http: cannot listen on 127.0.0.1:" + taken.getLocalPort())
                    .doesNotContain("\tat ");
        }
    }

    @Test
    void aMalformedAddressIsAConfigurationError() throws Exception {
        agent.yaml("observability:\n  http: \"localhost\"\n");
        JarProcess.Result r =
                JarProcess.run(agent.env(), "--config", agent.config().toString(), "config", "check");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("observability.http").contains("is not HOST:PORT");
    }
}
