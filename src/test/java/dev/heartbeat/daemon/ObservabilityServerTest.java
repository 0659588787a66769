package dev.heartbeat.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heartbeat.config.AgentConfig;
import dev.heartbeat.config.ConfigLoader;
import dev.heartbeat.fakes.TestAgent;
import dev.heartbeat.model.ModelRouter;
import dev.heartbeat.store.Store;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /healthz says what the liveness check says: 503 with its reason while the daemon is not healthy. */
class ObservabilityServerTest {
    @TempDir
    Path home;

    @Test
    void healthzIs503WithTheReasonWhileTheDaemonIsNotHealthy() throws Exception {
        TestAgent agent = new TestAgent(home, null);
        agent.yaml("observability:\n  http: \"127.0.0.1:0\"\n");
        AgentConfig config = new ConfigLoader(agent.env()).read(agent.config());
        Files.createDirectories(agent.database().getParent());
        AtomicReference<Optional<String>> problem = new AtomicReference<>(Optional.of("the store does not answer"));
        try (Store store = Store.open(agent.database(), Clock.systemUTC());
                ObservabilityServer server = new ObservabilityServer(config.observability(), Clock.systemUTC())) {
            server.watch(config, store, ModelRouter.of(config.model(), Clock.systemUTC()));
            server.start(problem::get);
            HttpResponse<String> sick = get(server.port(), "/healthz");
            assertThat(sick.statusCode()).isEqualTo(503);
            assertThat(sick.body()).isEqualTo("unhealthy: the store does not answer\n");

            problem.set(Optional.empty());
            assertThat(get(server.port(), "/healthz").statusCode()).isEqualTo(200);
            assertThat(get(server.port(), "/metrics").body())
                    .contains("heartbeat_last_success_age_seconds{agent=\"test-agent\"} NaN");
        }
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }
}
