package dev.heartbeat.tools.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.sun.net.httpserver.HttpServer;
import dev.heartbeat.config.McpConfig;
import dev.heartbeat.config.Secret;
import dev.heartbeat.fakes.McpTestServers;
import dev.heartbeat.fakes.MutableClock;
import dev.heartbeat.logging.Logs;
import dev.heartbeat.support.Redactor;
import dev.heartbeat.tools.Tool;
import dev.heartbeat.tools.ToolCallContext;
import dev.heartbeat.tools.ToolFailure;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** One source of MCP servers as processes: start, crash, hang, restart with backoff on a clock the test moves. */
class McpServersTest {
    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-02T09:00:00Z"), ZoneOffset.UTC);
    private McpServers servers;

    @AfterEach
    void stop() {
        if (servers != null) {
            servers.close();
        }
        assertThat(McpTestServers.running())
                .as("MCP server processes left running")
                .isEmpty();
    }

    private McpServers hostile(Duration timeout, Map<String, String> env) {
        Map<String, Secret> secrets = new LinkedHashMap<>();
        env.forEach((k, v) -> secrets.put(k, new Secret(v)));
        McpConfig.Server server =
                new McpConfig.Server(McpTestServers.hostile(), secrets, null, null, null, null, null, timeout, null);
        servers = new McpServers(new McpConfig(Map.of("hostile", server)), dir, clock);
        return servers;
    }

    private static Tool tool(List<Tool> tools, String name) {
        return tools.stream()
                .filter(t -> t.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError(name + " is not offered"));
    }

    private static String call(Tool tool) throws ToolFailure {
        return tool.run(JsonNodeFactory.instance.objectNode(), new ToolCallContext("b1", "c1"));
    }

    @Test
    void namesNoProviderAcceptsAreLeftOutAndSaidSoAndAClashWithABuiltinStaysUnderTheServersName() {
        List<Tool> tools = hostile(Duration.ofSeconds(10), Map.of()).tools();

        assertThat(tools).extracting(Tool::name).contains("hostile__read_file", "hostile__big", "hostile__hang");
        assertThat(tools).extracting(Tool::name).noneMatch(n -> n.equals("read_file") || n.contains(" "));
        McpServers.ServerStatus status = servers.status().get(0);
        assertThat(status.up()).isTrue();
        assertThat(status.notOffered())
                .anySatisfy(s -> assertThat(s).startsWith("bad name!").contains("not a tool name providers accept"))
                .anySatisfy(s -> assertThat(s).startsWith("xxxxxxxx").contains("at most 64 characters"));
        assertThat(tool(tools, "hostile__read_file").server()).contains("hostile");
        assertThat(tool(tools, "hostile__read_file").sideEffecting()).isFalse();
        assertThat(tool(tools, "hostile__hang").opensWorld())
                .as("no openWorldHint: the MCP default")
                .isTrue();
    }

    @Test
    void whatAServerListsIsBoundedInNumberAndSchemaSize() {
        List<Tool> tools = hostile(Duration.ofSeconds(10), Map.of("MANY", "1")).tools();

        assertThat(tools).hasSize(128);
        assertThat(servers.status().get(0).notOffered())
                .anySatisfy(s -> assertThat(s).startsWith("wide: its input schema is over 16 KB"))
                .anySatisfy(s -> assertThat(s).contains("more than 128 tools"));
    }

    @Test
    void aServerKilledMidCallFailsTheCallAndIsStartedAgainAfterItsBackoff() throws Exception {
        Path marker = dir.resolve("hang.pid");
        Tool hang = tool(
                hostile(Duration.ofSeconds(60), Map.of("HANG_MARKER", marker.toString()))
                        .tools(),
                "hostile__hang");

        CompletableFuture<String> inFlight = CompletableFuture.supplyAsync(() -> {
            try {
                return call(hang);
            } catch (ToolFailure f) {
                return "failed: " + f.getMessage();
            }
        });
        while (!Files.exists(marker) || Files.readString(marker).isBlank()) {
            Thread.onSpinWait();
        }
        long pid = Long.parseLong(Files.readString(marker).strip());
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();

        String outcome = inFlight.get(30, TimeUnit.SECONDS);
        assertThat(outcome)
                .startsWith("failed: MCP server hostile exited during a call to hang")
                .contains("outcome is unknown");
        assertThat(servers.status().get(0).up()).isFalse();

        // Within the backoff the server stays down and the model is told so; after it, the next beat restarts it.
        assertThat(servers.tools()).isEmpty();
        assertThat(servers.unavailable()).singleElement().asString().contains("MCP server hostile is unavailable");
        clock.advance(Duration.ofSeconds(2));
        List<Tool> again = servers.tools();
        assertThat(again).extracting(Tool::name).contains("hostile__hang");
        assertThat(servers.status().get(0).restarts()).isEqualTo(1);
        assertThat(call(tool(again, "hostile__read_file"))).isEqualTo("not the workspace's file");
    }

    @Test
    void aServerThatDiedBetweenBeatsIsStartedAgainByTheNextBeatWithoutWaitingForABackoff() throws Exception {
        assertThat(hostile(Duration.ofSeconds(10), Map.of()).tools()).isNotEmpty();
        for (ProcessHandle server : McpTestServers.running()) {
            server.destroyForcibly();
            server.onExit().get(10, TimeUnit.SECONDS);
        }

        List<Tool> next = servers.tools();

        assertThat(next)
                .as(String.valueOf(servers.status()))
                .extracting(Tool::name)
                .contains("hostile__read_file");
        assertThat(servers.status().get(0).restarts()).isEqualTo(1);
        assertThat(call(tool(next, "hostile__read_file"))).isEqualTo("not the workspace's file");
    }

    @Test
    void aServersStderrGoesToTheLogUnderItsNameWithSecretsMasked() throws Exception {
        String secret = "sk-mcp-env-canary-7d1e9f";
        Redactor.register(secret);
        Path log = dir.resolve("log.jsonl");
        Logs.addJsonFile(log);
        var context = (LoggerContext) LoggerFactory.getILoggerFactory();
        // The tests log from WARN; a server's stderr is logged at INFO, as the daemon's default level shows it.
        context.getLogger("dev.heartbeat.mcp").setLevel(Level.INFO);
        try {
            hostile(Duration.ofSeconds(10), Map.of("LEAK", secret)).tools();
            Instant deadline = Instant.now().plusSeconds(10);
            while (Instant.now().isBefore(deadline)
                    && !(Files.exists(log) && Files.readString(log).contains("hostile server ready"))) {
                Thread.sleep(20);
            }
        } finally {
            context.getLogger("dev.heartbeat.mcp").setLevel(null);
            context.getLogger("dev.heartbeat").detachAndStopAllAppenders();
        }
        String logged = Files.readString(log);
        assertThat(logged).contains("hostile server ready, key").contains("dev.heartbeat.mcp.hostile");
        assertThat(logged).doesNotContain(secret);
    }

    @Test
    void aServerThatHangsIsCutAtItsTimeoutAndTheCallFails() throws Exception {
        Tool hang = tool(hostile(Duration.ofSeconds(2), Map.of()).tools(), "hostile__hang");

        long start = System.nanoTime();
        assertThatThrownBy(() -> call(hang))
                .isInstanceOf(ToolFailure.class)
                .hasMessageContaining("did not answer hang within 2s")
                .hasMessageContaining("outcome is unknown");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
        assertThat(servers.status().get(0).down()).contains("did not answer hang within 2s");
        assertThat(McpTestServers.running()).as("the hung server was stopped").isEmpty();
    }

    @Test
    void aServerThatCannotStartFailsOnlyItsOwnTools() {
        McpConfig.Server broken = new McpConfig.Server(
                List.of(dir.resolve("no-such-server").toString()),
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                Duration.ofSeconds(2));
        servers = new McpServers(new McpConfig(Map.of("broken", broken)), dir, clock);

        assertThat(servers.tools()).isEmpty();
        McpServers.ServerStatus status = servers.status().get(0);
        assertThat(status.up()).isFalse();
        assertThat(status.down()).startsWith("could not start");
        assertThat(servers.unavailable())
                .singleElement()
                .asString()
                .contains("MCP server broken is unavailable, so its tools (broken__*)")
                .as("the prompt does not quote what the server or the SDK said")
                .doesNotContain("could not start");
    }

    private static Set<Thread> nonDaemonThreads() {
        Set<Thread> out = new HashSet<>();
        Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !t.isDaemon() && t.isAlive())
                .forEach(out::add);
        return out;
    }

    @Test
    void aStoppedServerLeavesNoThreadBehindSoADaemonThatRestartsItDoesNotLeak() throws Exception {
        Set<Thread> before = nonDaemonThreads();
        for (int i = 0; i < 3; i++) {
            McpServers s = hostile(Duration.ofSeconds(10), Map.of());
            assertThat(s.tools()).isNotEmpty();
            s.close();
        }
        servers = null;

        Instant deadline = Instant.now().plusSeconds(10);
        Set<Thread> left = nonDaemonThreads();
        left.removeAll(before);
        while (!left.isEmpty() && Instant.now().isBefore(deadline)) {
            left.iterator().next().join(100);
            left.removeIf(t -> !t.isAlive());
        }
        assertThat(left).as("threads the MCP client left running").isEmpty();
    }

    @Test
    void anHttpServerGetsTheConfiguredHeadersAndOneThatRefusesThemIsDownWithTheReason() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/mcp", exchange -> {
            seen.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            byte[] body = "{\"error\": \"invalid token\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(401, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        http.start();
        try {
            McpConfig.Server server = new McpConfig.Server(
                    null,
                    null,
                    URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/mcp"),
                    null,
                    Map.of("Authorization", new Secret("Bearer tickets-token-0123456789")),
                    null,
                    null,
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(5));
            servers = new McpServers(new McpConfig(Map.of("tickets", server)), dir, clock);

            assertThat(servers.tools()).isEmpty();

            assertThat(seen).isNotEmpty().allMatch(h -> h.equals("Bearer tickets-token-0123456789"));
            McpServers.ServerStatus status = servers.status().get(0);
            assertThat(status.up()).isFalse();
            assertThat(status.transport()).isEqualTo("streamable-http");
            assertThat(status.down()).isEqualTo("could not start: Authorization error when sending message");
        } finally {
            http.stop(0);
        }
    }
}
