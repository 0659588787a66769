package dev.heartbeat.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.heartbeat.audit.Decision;
import dev.heartbeat.audit.StoredDecision;
import dev.heartbeat.fakes.DaemonProcess;
import dev.heartbeat.fakes.FakeOpenAi;
import dev.heartbeat.fakes.FakeProvider;
import dev.heartbeat.fakes.JarProcess;
import dev.heartbeat.fakes.McpTestServers;
import dev.heartbeat.fakes.TestAgent;
import dev.heartbeat.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar with an MCP server as its child: no server process outlives the agent, however it ends. */
class McpProcessIT {
    @TempDir
    Path home;

    FakeOpenAi fake;
    TestAgent agent;
    Map<String, String> env;

    @BeforeEach
    void setUp() throws Exception {
        fake = new FakeOpenAi(TestAgent.KEY);
        fake.otherwise(new FakeProvider.Text("HEARTBEAT_OK"));
        agent = new TestAgent(home, fake);
        agent.yaml("heartbeat:\n  every: 1s\n  shutdown-grace: 2s\nmcp:\n  servers:\n    everything:\n      command: "
                + McpTestServers.yaml(McpTestServers.everything()) + "\n");
        env = new HashMap<>(Map.of("HB_TEST_KEY", TestAgent.KEY));
    }

    @AfterEach
    void tearDown() {
        fake.close();
        // Whatever a failed assertion left behind goes, so the next test starts clean.
        everythingServers().forEach(ProcessHandle::destroyForcibly);
    }

    /** Every process on the machine running the test server, whoever its parent is now. */
    private static List<ProcessHandle> everythingServers() {
        return ProcessHandle.allProcesses()
                .filter(h -> h.info().commandLine().orElse("").contains(McpTestServers.DIR.toString()))
                .toList();
    }

    private static List<ProcessHandle> awaitServer(DaemonProcess daemon) throws Exception {
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            List<ProcessHandle> children = ProcessHandle.of(daemon.pid())
                    .map(h -> h.descendants()
                            .filter(c -> c.info().commandLine().orElse("").contains("server-everything"))
                            .toList())
                    .orElse(List.of());
            if (!children.isEmpty()) {
                return children;
            }
            daemon.awaitOutput("MCP server everything started", Duration.ofMillis(200));
        }
        throw new AssertionError("the daemon did not start its MCP server: " + daemon.output());
    }

    private DaemonProcess daemon(String log) throws Exception {
        return DaemonProcess.running(env, home.resolve(log), agent.config());
    }

    @Test
    void aStdioServerSeesItsInputCloseAndEndsWhenTheAgentIsKilledWithSigkill() throws Exception {
        McpTestServers.everything();
        try (DaemonProcess daemon = daemon("kill9.log")) {
            List<ProcessHandle> servers = awaitServer(daemon);

            daemon.kill9();

            for (ProcessHandle server : servers) {
                server.onExit().get(20, TimeUnit.SECONDS);
                assertThat(server.isAlive()).isFalse();
            }
        }
        assertThat(everythingServers()).isEmpty();
    }

    @Test
    void sigtermStopsTheServersBeforeTheDaemonExits() throws Exception {
        McpTestServers.everything();
        try (DaemonProcess daemon = daemon("term.log")) {
            List<ProcessHandle> servers = awaitServer(daemon);

            assertThat(daemon.terminate(Duration.ofSeconds(30))).isZero();

            // Stopped by the daemon, not left to notice: they are gone by the time it has exited.
            assertThat(servers).noneMatch(ProcessHandle::isAlive);
            assertThat(daemon.output()).contains("MCP server everything stopped");
        }
    }

    @Test
    void aOnceRunStartsWhatItNeedsAndLeavesNothingRunning() throws Exception {
        McpTestServers.everything();
        Process once = JarProcess.builder(env, "--config", agent.config().toString(), "--once", "--json")
                .redirectOutput(home.resolve("once.out").toFile())
                .redirectError(home.resolve("once.err").toFile())
                .start();
        assertThat(once.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(once.exitValue()).isZero();
        assertThat(fake.requests().get(0).path("tools").toString())
                .as("the server was started and its tools offered")
                .contains("everything__echo");
        assertThat(everythingServers()).isEmpty();
    }

    @Test
    void aCrashAfterAServerToolRanLeavesItOnRecordAsInterruptedAndItIsNotRunAgain() throws Exception {
        agent.yaml("    files:\n      command: " + McpTestServers.yaml(McpTestServers.filesystem(agent.workspace()))
                + "\n");
        Path report = agent.workspace().resolve("report.md");
        fake.call("files__write_file", "{\"path\": \"" + report + "\", \"content\": \"once\"}")
                .text("HEARTBEAT_OK");
        Map<String, String> crashing = new HashMap<>(env);
        crashing.put("HB_FAULT", "after-tool");
        JarProcess.Result crashed =
                JarProcess.run(crashing, "--config", agent.config().toString(), "--once");
        assertThat(crashed.exit()).as(crashed.err()).isEqualTo(137);
        assertThat(report).hasContent("once");
        Files.delete(report);

        fake.clearScript().text("HEARTBEAT_OK");
        JarProcess.Result next = JarProcess.run(env, "--config", agent.config().toString(), "--once");
        assertThat(next.exit()).as(next.err()).isZero();

        assertThat(report).as("the interrupted call is not run again").doesNotExist();
        try (Store store = agent.store()) {
            Decision crashedBeat = store.decisionLog().list(null, null, 10).stream()
                    .map(StoredDecision::decision)
                    .filter(d -> d.reason().startsWith("interrupted"))
                    .findFirst()
                    .orElseThrow();
            assertThat(crashedBeat.toolCalls()).singleElement().satisfies(t -> {
                assertThat(t.name()).isEqualTo("files__write_file");
                assertThat(t.server()).isEqualTo("files");
                assertThat(t.outcome().wire()).isEqualTo("interrupted");
            });
        }
        CompletableFuture.allOf(
                        everythingServers().stream().map(ProcessHandle::onExit).toArray(CompletableFuture[]::new))
                .get(20, TimeUnit.SECONDS);
        assertThat(everythingServers())
                .as("the crashed agent's servers ended with it")
                .isEmpty();
    }
}
