package dev.heartbeat.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.heartbeat.config.ToolsConfig;
import dev.heartbeat.support.Cidr;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuiltinToolsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ToolCallContext CALL = new ToolCallContext("beat", "call_1");

    @TempDir
    Path root;

    private static JsonNode args(String json) throws Exception {
        return JSON.readTree(json);
    }

    private Tool file(String name) {
        return FileTools.all(new Workspace(root), 1000, Clock.systemUTC()).stream()
                .filter(t -> t.name().equals(name))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void fileToolsWriteReadListAndNote() throws Exception {
        assertThat(file("write_file").run(args("{\"path\": \"a/b.md\", \"content\": \"hello\"}"), CALL))
                .contains("wrote 5 bytes to a/b.md");
        assertThat(file("read_file").run(args("{\"path\": \"a/b.md\"}"), CALL)).isEqualTo("hello");
        assertThat(file("list_files").run(args("{}"), CALL)).isEqualTo("a/");
        assertThat(file("list_files").run(args("{\"path\": \"a\"}"), CALL)).contains("b.md  (5 bytes)");
        file("append_note").run(args("{\"text\": \"first\"}"), CALL);
        file("append_note").run(args("{\"text\": \"second\"}"), CALL);
        assertThat(Files.readAllLines(root.resolve("NOTES.md"))).hasSize(2).allMatch(l -> l.startsWith("- 20"));
    }

    @Test
    void fileToolsCapSizes() throws Exception {
        Files.writeString(root.resolve("big.txt"), "x".repeat(1500));
        assertThat(file("read_file").run(args("{\"path\": \"big.txt\"}"), CALL))
                .contains("[... cut at 1000 bytes of 1500]");
        assertThatThrownBy(() -> file("write_file")
                        .run(args("{\"path\": \"c.md\", \"content\": \"" + "y".repeat(1001) + "\"}"), CALL))
                .hasMessageContaining("the limit is 1000");
        assertThatThrownBy(() -> file("read_file").run(args("{}"), CALL))
                .hasMessageContaining("missing required argument 'path'");
    }

    @Test
    void aTimedOutCommandTakesItsDetachedGrandchildrenWithIt() throws Exception {
        Workspace ws = new Workspace(root);
        RunCommandTool sh =
                new RunCommandTool(new ToolsConfig.RunCommand(List.of("sh"), Duration.ofSeconds(1), 4096), ws);
        // The subshell exits at once, so the sleep is no longer a descendant of the command: it detached.
        assertThatThrownBy(() -> sh.run(
                        args("{\"program\": \"sh\", \"args\": [\"-c\", "
                                + "\"(sleep 300 & echo $! > bg.pid); sleep 300\"]}"),
                        CALL))
                .hasMessageContaining("did not finish within 1s");
        long pid = Long.parseLong(Files.readString(root.resolve("bg.pid")).strip());
        ProcessHandle grandchild = ProcessHandle.of(pid).orElse(null);
        if (grandchild != null) {
            grandchild.onExit().get(5, TimeUnit.SECONDS);
        }
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                .as("detached grandchild")
                .isFalse();
    }

    @Test
    void httpGetsTimeoutCoversADrippedBodyNotJustTheHeaders() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/drip", ex -> {
            ex.sendResponseHeaders(200, 0);
            try {
                for (int i = 0; i < 60 && !Thread.currentThread().isInterrupted(); i++) {
                    ex.getResponseBody().write('x');
                    ex.getResponseBody().flush();
                    Thread.sleep(500);
                }
            } catch (InterruptedException | IOException e) {
                // the client went away
            }
            ex.close();
        });
        server.start();
        try {
            HttpGetTool tool = new HttpGetTool(new ToolsConfig.HttpGet(
                    List.of("127.0.0.1"), 100_000, Duration.ofSeconds(2), List.of("127.0.0.0/8")));
            long start = System.nanoTime();
            assertThatThrownBy(() -> tool.run(
                            args("{\"url\": \"http://127.0.0.1:"
                                    + server.getAddress().getPort() + "/drip\"}"),
                            CALL))
                    .hasMessageContaining("within 2s");
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .as("bounded by the timeout, not the body")
                    .isLessThan(Duration.ofSeconds(15));
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aFifoOrDeviceIsRefusedInsteadOfHangingTheBeat() throws Exception {
        Path fifo = root.resolve("pipe");
        new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor();
        Tool read = FileTools.all(new Workspace(root), 1024, Clock.systemUTC()).stream()
                .filter(t -> t.name().equals("read_file"))
                .findFirst()
                .orElseThrow();
        assertThatThrownBy(() -> read.run(args("{\"path\": \"pipe\"}"), CALL))
                .isInstanceOfSatisfying(
                        ToolFailure.class, f -> assertThat(f.refused()).isTrue())
                .hasMessageContaining("not a regular file");
    }

    @Test
    void runCommandIsOffUntilAllowlistedAndRunsArgvWithoutAShell() throws Exception {
        Workspace ws = new Workspace(root);
        RunCommandTool off = new RunCommandTool(new ToolsConfig.RunCommand(null, null, null), ws);
        assertThatThrownBy(() -> off.run(args("{\"program\": \"echo\"}"), CALL))
                .isInstanceOfSatisfying(
                        ToolFailure.class, f -> assertThat(f.refused()).isTrue())
                .hasMessageContaining("run_command is off");

        RunCommandTool on =
                new RunCommandTool(new ToolsConfig.RunCommand(List.of("echo", "sleep"), Duration.ofSeconds(1), 20), ws);
        assertThat(on.run(args("{\"program\": \"echo\", \"args\": [\"a; rm -rf /\", \"$HOME\"]}"), CALL))
                .isEqualTo("exit 0\na; rm -rf / $HOME\n");
        assertThatThrownBy(() -> on.run(args("{\"program\": \"rm\", \"args\": [\"-rf\", \"/\"]}"), CALL))
                .hasMessageContaining("'rm' is not allowlisted");
        assertThat(on.run(args("{\"program\": \"echo\", \"args\": [\"" + "z".repeat(50) + "\"]}"), CALL))
                .contains("[... output cut at 20 bytes of 51]");
        long start = System.nanoTime();
        assertThatThrownBy(() -> on.run(args("{\"program\": \"sleep\", \"args\": [\"30\"]}"), CALL))
                .hasMessageContaining("did not finish within 1s");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void httpGetFetchesOnlyAllowlistedHostsAndChecksEveryRedirect() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/ok", ex -> {
            byte[] body = "all systems normal".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.createContext("/away", ex -> {
            ex.getResponseHeaders()
                    .set("Location", "http://localhost:" + server.getAddress().getPort() + "/ok");
            ex.sendResponseHeaders(302, -1);
            ex.close();
        });
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            HttpGetTool off = new HttpGetTool(new ToolsConfig.HttpGet(null, null, null));
            assertThatThrownBy(() -> off.run(args("{\"url\": \"" + base + "/ok\"}"), CALL))
                    .hasMessageContaining("http_get is off");

            HttpGetTool closed = new HttpGetTool(
                    new ToolsConfig.HttpGet(List.of("127.0.0.1", "localhost"), 1000, Duration.ofSeconds(5)));
            assertThatThrownBy(() -> closed.run(args("{\"url\": \"" + base + "/ok\"}"), CALL))
                    .isInstanceOfSatisfying(
                            ToolFailure.class, f -> assertThat(f.refused()).isTrue())
                    .hasMessageContaining("resolves to 127.0.0.1, an internal address");
            HttpGetTool tool = new HttpGetTool(
                    new ToolsConfig.HttpGet(List.of("127.0.0.1"), 1000, Duration.ofSeconds(5), List.of("127.0.0.0/8")));
            assertThat(tool.run(args("{\"url\": \"" + base + "/ok\"}"), CALL))
                    .startsWith("HTTP 200")
                    .endsWith("all systems normal");
            assertThatThrownBy(() -> tool.run(args("{\"url\": \"" + base + "/away\"}"), CALL))
                    .hasMessageContaining("host 'localhost' is not on the allowlist");
            assertThatThrownBy(() -> tool.run(args("{\"url\": \"file:///etc/passwd\"}"), CALL))
                    .isInstanceOf(ToolFailure.class);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void httpGetConnectsToTheAddressItCheckedSoARebindingNameCannotReachAnInternalOne() throws Exception {
        // The server listens on 127.0.0.2 only, the one internal address the operator allowed. The name's
        // second answer (what a rebinding DNS server gives after the check) is 127.0.0.1: connecting there
        // would be refused, and fetching it would mean the check looked at a different answer than the connect.
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0), 0);
        AtomicReference<String> hostHeader = new AtomicReference<>();
        server.createContext("/status", ex -> {
            hostHeader.set(ex.getRequestHeaders().getFirst("Host"));
            byte[] body = "fine".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        AtomicInteger lookups = new AtomicInteger();
        AddressPolicy.Resolver rebinding = host -> {
            assertThat(host).isEqualTo("status.rebind.test");
            return new InetAddress[] {InetAddress.getByName(lookups.getAndIncrement() == 0 ? "127.0.0.2" : "127.0.0.1")
            };
        };
        try {
            HttpGetTool tool = new HttpGetTool(
                    new ToolsConfig.HttpGet(
                            List.of("status.rebind.test"), 1000, Duration.ofSeconds(5), List.of("127.0.0.2/32")),
                    rebinding);
            String url = "http://status.rebind.test:" + server.getAddress().getPort() + "/status";
            assertThat(tool.run(args("{\"url\": \"" + url + "\"}"), CALL))
                    .startsWith("HTTP 200")
                    .endsWith("fine");
            assertThat(lookups.get())
                    .as("one lookup serves both the check and the connect")
                    .isEqualTo(1);
            assertThat(hostHeader.get())
                    .isEqualTo("status.rebind.test:" + server.getAddress().getPort());

            // The next fetch looks the name up again; its answer is internal and not allowed: refused, not fetched.
            assertThatThrownBy(() -> tool.run(args("{\"url\": \"" + url + "\"}"), CALL))
                    .isInstanceOfSatisfying(
                            ToolFailure.class, f -> assertThat(f.refused()).isTrue())
                    .hasMessageContaining("resolves to 127.0.0.1, an internal address");
            assertThat(lookups.get()).isEqualTo(2);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void internalAddressesAreRecognisedAndRangesMatch() throws Exception {
        for (String internal : List.of(
                "127.0.0.1",
                "10.1.2.3",
                "172.16.0.1",
                "192.168.1.1",
                "169.254.169.254",
                "100.64.0.1",
                "0.0.0.0",
                "::1",
                "fe80::1",
                "fd00::1")) {
            assertThat(AddressPolicy.internal(InetAddress.getByName(internal)))
                    .as(internal)
                    .isTrue();
        }
        for (String external : List.of("8.8.8.8", "1.1.1.1", "2606:4700::1111")) {
            assertThat(AddressPolicy.internal(InetAddress.getByName(external)))
                    .as(external)
                    .isFalse();
        }
        assertThat(Cidr.matches("10.0.0.0/8", InetAddress.getByName("10.200.3.4")))
                .isTrue();
        assertThat(Cidr.matches("10.0.0.0/8", InetAddress.getByName("11.0.0.1")))
                .isFalse();
        assertThat(new AddressPolicy(List.of()).forbidden(new InetAddress[] {InetAddress.getByName("169.254.169.254")}))
                .isPresent();
        assertThat(Cidr.isAddressOrCidr("10.0.0.0/8")).isTrue();
        assertThat(Cidr.isAddressOrCidr("intranet.local")).isFalse();
    }

    @Test
    void wildcardHostsMatchSubdomainsOnly() {
        assertThat(new ToolsConfig.HttpGet(List.of("*.example.com"), null, null).allows("api.example.com"))
                .isTrue();
        assertThat(new ToolsConfig.HttpGet(List.of("*.example.com"), null, null).allows("example.com.evil.net"))
                .isFalse();
        assertThat(new ToolsConfig.HttpGet(List.of("*.example.com"), null, null).allows("badexample.com"))
                .isFalse();
        assertThat(new ToolsConfig.HttpGet(List.of("example.com"), null, null).allows("example.com"))
                .isTrue();
    }
}
