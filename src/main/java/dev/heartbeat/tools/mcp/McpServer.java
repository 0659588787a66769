package dev.heartbeat.tools.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.heartbeat.config.Durations;
import dev.heartbeat.config.McpConfig;
import dev.heartbeat.config.Secret;
import dev.heartbeat.support.Causes;
import dev.heartbeat.support.Json;
import dev.heartbeat.support.Redactor;
import dev.heartbeat.support.Texts;
import dev.heartbeat.tools.ToolFailure;
import io.github.resilience4j.core.IntervalFunction;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.transport.HttpClientSseClientTransport;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * One configured MCP server. It is started (or reached) when a beat first needs its tools, and its tools are
 * listed then. A server that dies, hangs past its timeout or cannot start is stopped and marked down with the
 * reason: its tools fail with that reason, never the beat, and it is started again at a later beat after an
 * exponential backoff (1 s doubling to 5 min) counted on the agent's clock. {@link #close} stops its process
 * and every process it started.
 */
final class McpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(McpServer.class);
    private static final McpJsonMapper JSON = new JacksonMcpJsonMapper(new ObjectMapper());
    private static final IntervalFunction BACKOFF =
            IntervalFunction.ofExponentialBackoff(Duration.ofSeconds(1), 2.0, Duration.ofMinutes(5));
    /** What a stdio server gets of the agent's environment besides its own env: no key of the agent's. */
    private static final Set<String> INHERITED =
            Set.of("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "USER", "LOGNAME");
    /** Bounds on what a server may send: a page count for listing, bytes for an HTTP response, a log line. */
    private static final int MAX_LIST_PAGES = 20;
    /** Every offered tool goes with every request: a server cannot make each beat arbitrarily large. */
    private static final int MAX_TOOLS = 128;

    private static final int MAX_SCHEMA_CHARS = 16 * 1024;
    private static final int MAX_LOGGED = 10;

    private static final int MAX_HTTP_RESPONSE = 16 * 1024 * 1024;
    private static final int MAX_LOG_LINE = 2000;
    private static final Duration STOP_WAIT = Duration.ofSeconds(3);
    /** Starting stdio servers one at a time lets the new child process be told apart from the others. */
    private static final Object SPAWN = new Object();

    private final String name;
    private final McpConfig.Server config;
    private final Path baseDir;
    private final Clock clock;
    private final Logger serverLog;

    private @Nullable McpAsyncClient client;
    private @Nullable McpClientTransport transport;
    private @Nullable ProcessHandle process;
    /**
     * A tool list the server announced as changed, applied at the next beat. Not guarded by this object's lock:
     * the SDK delivers it on its own thread, possibly while a start holds the lock waiting for the SDK.
     */
    private final AtomicReference<@Nullable List<McpSchema.Tool>> changedTools = new AtomicReference<>();

    private List<McpTool> tools = List.of();
    private List<String> skipped = List.of();
    private @Nullable String down;
    private @Nullable Instant retryAt;
    private int failures;
    private int restarts;
    private boolean everUp;
    private boolean closed;

    McpServer(String name, McpConfig.Server config, Path baseDir, Clock clock) {
        this.name = name;
        this.config = config;
        this.baseDir = baseDir;
        this.clock = clock;
        this.serverLog = LoggerFactory.getLogger("dev.heartbeat.mcp." + name);
    }

    String name() {
        return name;
    }

    McpConfig.Server config() {
        return config;
    }

    /** What {@code tools list} and the model are told about this server now. */
    synchronized McpServers.ServerStatus status() {
        return new McpServers.ServerStatus(
                name, config.resolvedTransport().wire(), client != null, down, restarts, retryAt, skipped);
    }

    /** The server's tools for the beat that starts now: started or restarted first if it is due. */
    synchronized List<McpTool> tools() {
        ensureUp();
        return client == null ? List.of() : tools;
    }

    private void ensureUp() {
        if (closed) {
            return;
        }
        ProcessHandle p = process;
        if (client != null && p != null && !p.isAlive()) {
            markDown("its process (pid " + p.pid() + ") exited", clock.instant());
            // It served until it died, at some time since the last beat: the first restart waits for no backoff.
            if (failures == 1) {
                retryAt = null;
            }
        }
        if (client != null) {
            List<McpSchema.Tool> changed = changedTools.getAndSet(null);
            if (changed != null) {
                offer(changed);
            }
            return;
        }
        if (retryAt != null && clock.instant().isBefore(retryAt)) {
            return;
        }
        start();
    }

    private void start() {
        McpAsyncClient c = null;
        McpClientTransport transport = null;
        try {
            transport = transport();
            c = McpClient.async(transport)
                    .requestTimeout(config.timeout())
                    .initializationTimeout(config.startTimeout())
                    .clientInfo(new McpSchema.Implementation("heartbeat-agent", version()))
                    .toolsChangeConsumer(listed -> Mono.fromRunnable(() -> toolsChanged(listed)))
                    .build();
            if (config.resolvedTransport() == McpConfig.Transport.STDIO) {
                synchronized (SPAWN) {
                    Set<Long> before = children();
                    try {
                        c.initialize().block(config.startTimeout().plus(STOP_WAIT));
                    } finally {
                        process = newChild(before);
                    }
                }
            } else {
                c.initialize().block(config.startTimeout().plus(STOP_WAIT));
            }
            offer(listTools(c));
            client = c;
            this.transport = transport;
            if (everUp) {
                restarts++;
                LOG.warn("MCP server {} restarted (restart {}, after: {})", name, restarts, down);
            } else {
                LOG.info("MCP server {} started: {} tool(s)", name, tools.size());
            }
            everUp = true;
            down = null;
            retryAt = null;
            failures = 0;
        } catch (RuntimeException e) {
            stop(c, transport, process);
            process = null;
            failure("could not start: " + reason(e), clock.instant());
        }
    }

    private List<McpSchema.Tool> listTools(McpAsyncClient c) {
        List<McpSchema.Tool> all = new ArrayList<>();
        String cursor = null;
        for (int page = 0; page < MAX_LIST_PAGES; page++) {
            McpSchema.ListToolsResult result = Objects.requireNonNull(
                    (cursor == null ? c.listTools() : c.listTools(cursor))
                            .block(config.timeout().plus(STOP_WAIT)),
                    "tools/list answered nothing");
            if (result.tools() != null) {
                all.addAll(result.tools());
            }
            cursor = result.nextCursor();
            if (cursor == null || cursor.isEmpty()) {
                break;
            }
        }
        return all;
    }

    /** The listed tools the model may have: allowed by config, with a name providers accept, each name once. */
    private void offer(List<McpSchema.Tool> listed) {
        List<McpTool> offered = new ArrayList<>();
        List<String> notOffered = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (McpSchema.Tool tool : listed) {
            String full = name + McpConfig.SEPARATOR + tool.name();
            if (!config.tools().offers(tool.name())) {
                // What the operator left out is as intended: no warning.
                notOffer(notOffered, tool.name() + ": left out by mcp.servers." + name + ".tools", false);
            } else if (!McpConfig.TOOL_NAME.matcher(full).matches()) {
                notOffer(
                        notOffered,
                        Texts.cut(tool.name(), 80) + ": '" + Texts.cut(full, 80)
                                + "' is not a tool name providers accept ([a-zA-Z0-9_-], at most 64 characters)",
                        true);
            } else if (!names.add(full)) {
                notOffer(notOffered, tool.name() + ": listed twice by the server; the first is kept", true);
            } else if (offered.size() >= MAX_TOOLS) {
                notOffer(
                        notOffered,
                        tool.name() + ": the server offers more than " + MAX_TOOLS + " tools; narrow mcp.servers."
                                + name + ".tools",
                        true);
            } else if (Json.write(tool.inputSchema() == null ? Map.of() : tool.inputSchema())
                            .length()
                    > MAX_SCHEMA_CHARS) {
                notOffer(
                        notOffered,
                        tool.name() + ": its input schema is over " + MAX_SCHEMA_CHARS / 1024 + " KB",
                        true);
            } else {
                offered.add(McpTool.of(this, full, tool));
            }
        }
        if (notOffered.size() > MAX_LOGGED) {
            LOG.warn(
                    "MCP server {}: {} more tools not offered ('tools list' shows them)",
                    name,
                    notOffered.size() - MAX_LOGGED);
        }
        this.tools = List.copyOf(offered);
        this.skipped = List.copyOf(notOffered);
    }

    /**
     * Adds a tool that is not offered, with why; the first ten are logged, a warning when the server got
     * something wrong. A server listing thousands of tools gets ten lines and a count, not a line each.
     */
    private void notOffer(List<String> notOffered, String why, boolean serversFault) {
        if (notOffered.size() < MAX_LOGGED) {
            if (serversFault) {
                LOG.warn("MCP server {}: tool {}", name, why);
            } else {
                LOG.info("MCP server {}: tool {}", name, why);
            }
        }
        notOffered.add(why);
    }

    private void toolsChanged(List<McpSchema.Tool> listed) {
        changedTools.set(List.copyOf(listed));
    }

    /**
     * Calls a tool on the server. The answer is awaited together with the server's process: a server that dies
     * mid-call fails the call at once (the SDK would wait out the timeout). A dead or hung server is stopped
     * and marked down, and the call fails with an outcome the model must treat as unknown.
     */
    McpSchema.CallToolResult call(String tool, Map<String, Object> arguments) throws ToolFailure {
        McpAsyncClient c;
        ProcessHandle p;
        synchronized (this) {
            c = client;
            p = process;
            if (c == null) {
                throw ToolFailure.error(unavailable());
            }
        }
        CompletableFuture<McpSchema.CallToolResult> answer =
                c.callTool(new McpSchema.CallToolRequest(tool, arguments)).toFuture();
        CompletableFuture<?> exited = p == null ? new CompletableFuture<>() : p.onExit();
        try {
            // The SDK ends the answer at the server's timeout; this bound only backs that up.
            CompletableFuture.anyOf(answer, exited)
                    .get(config.timeout().plus(STOP_WAIT).toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            answer.completeExceptionally(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            answer.cancel(true);
            throw ToolFailure.error(tool + " was interrupted (the agent is stopping)");
        } catch (ExecutionException e) {
            // the answer failed: read below
        }
        String why;
        if (answer.isDone() && !answer.isCompletedExceptionally()) {
            return answer.join();
        } else if (!answer.isDone()) {
            answer.cancel(true);
            why = "exited during a call to " + tool;
        } else {
            Throwable failure = answer.handle((r, e) -> e).join();
            Throwable error = failure == null ? new IllegalStateException("no answer") : failure;
            if (Causes.find(error, McpError.class) != null) {
                // The server answered with a protocol error: it is alive, and the call did not run.
                throw ToolFailure.error("MCP server " + name + " refused the call: " + reason(error));
            }
            why = Causes.find(error, TimeoutException.class) != null
                    ? "did not answer " + tool + " within " + config.timeout().toSeconds() + "s"
                    : "failed during a call to " + tool + " (" + reason(error) + ")";
        }
        synchronized (this) {
            if (client == c) {
                markDown(why, clock.instant());
            }
        }
        throw ToolFailure.error("MCP server " + name + " " + why + "; the call was cut off and its outcome is "
                + "unknown, so do not assume it ran. The server is restarted at a later beat.");
    }

    /** The text a call to a down server returns. */
    synchronized String unavailable() {
        return "MCP server " + name + " is unavailable (" + (down == null ? "not started" : down) + "); its tools "
                + "cannot be called this beat";
    }

    private void markDown(String why, Instant at) {
        stop(client, transport, process);
        client = null;
        transport = null;
        process = null;
        failure(why, at);
    }

    /** A failure at {@code at}: the next start waits 1 s doubling per failure in a row, up to 5 min, from then. */
    private void failure(String why, Instant at) {
        failures++;
        down = why;
        retryAt = at.plusMillis(BACKOFF.apply(failures));
        LOG.warn("MCP server {} is down: {}; next start at {}", name, why, retryAt);
    }

    @Override
    public synchronized void close() {
        closed = true;
        boolean wasUp = client != null;
        stop(client, transport, process);
        client = null;
        transport = null;
        process = null;
        if (wasUp) {
            LOG.info("MCP server {} stopped", name);
        }
    }

    /**
     * Stops the client, its transport and, for stdio, the server's whole process tree: the transport sends
     * TERM to the process it started and then ends its reader threads (closed explicitly: the client's own
     * close does not always reach it, and its threads would outlive it); what the process started (npx starts
     * node) is ended too, forcibly after a grace period.
     */
    private static void stop(@Nullable McpAsyncClient c, @Nullable McpClientTransport t, @Nullable ProcessHandle p) {
        List<ProcessHandle> tree = new ArrayList<>();
        if (p != null) {
            tree.addAll(p.descendants().toList());
            tree.add(p);
        }
        if (c != null) {
            try {
                c.closeGracefully().block(STOP_WAIT);
            } catch (RuntimeException e) {
                c.close();
            }
        }
        if (t != null) {
            try {
                t.closeGracefully().block(STOP_WAIT);
            } catch (RuntimeException e) {
                t.close();
            }
        }
        tree.forEach(ProcessHandle::destroy);
        for (ProcessHandle h : tree) {
            try {
                h.onExit().get(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        }
    }

    private McpClientTransport transport() {
        URI url = config.url();
        return switch (config.resolvedTransport()) {
            case STDIO -> stdio();
            case STREAMABLE_HTTP ->
                HttpClientStreamableHttpTransport.builder(origin(url))
                        .endpoint(endpoint(url))
                        .jsonMapper(JSON)
                        .maxResponseSize(MAX_HTTP_RESPONSE)
                        .connectTimeout(config.startTimeout())
                        .httpRequestCustomizer((request, method, uri, body, context) -> headers(request))
                        .build();
            case SSE ->
                HttpClientSseClientTransport.builder(origin(url))
                        .sseEndpoint(endpoint(url))
                        .jsonMapper(JSON)
                        .httpRequestCustomizer((request, method, uri, body, context) -> headers(request))
                        .build();
        };
    }

    private void headers(HttpRequest.Builder request) {
        config.headers().forEach((k, v) -> request.header(k, v.value() == null ? "" : v.value()));
    }

    private StdioClientTransport stdio() {
        List<String> command = Objects.requireNonNull(config.command(), "a stdio server has a command");
        String program = command.get(0);
        // A relative program path is the config file's, as every path in agent.yaml is.
        if (program.contains("/") && !Path.of(program).isAbsolute()) {
            program = baseDir.resolve(program).normalize().toString();
        }
        // The SDK reports a program that cannot start only as a timeout: say which program, at once.
        if (program.contains("/") ? !Files.isExecutable(Path.of(program)) : onPath(program) == null) {
            throw new IllegalStateException("no program " + program
                    + (program.contains("/")
                            ? " (not an executable file)"
                            : " on PATH (" + System.getenv("PATH") + ")"));
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (Map.Entry<String, Secret> e : config.env().entrySet()) {
            env.put(e.getKey(), e.getValue().value() == null ? "" : e.getValue().value());
        }
        ServerParameters params = ServerParameters.builder(program)
                .args(command.subList(1, command.size()))
                .env(env)
                .build();
        StdioClientTransport transport = new StdioClientTransport(params, JSON) {
            @Override
            protected ProcessBuilder getProcessBuilder() {
                ProcessBuilder builder = new ProcessBuilder();
                builder.directory(baseDir.toFile());
                builder.environment().keySet().retainAll(INHERITED);
                return builder;
            }
        };
        transport.setStdErrorHandler(line -> serverLog.info("{}", Texts.cut(Redactor.redact(line), MAX_LOG_LINE)));
        return transport;
    }

    private static @Nullable Path onPath(String program) {
        String path = System.getenv("PATH");
        for (String dir : (path == null ? "/usr/bin:/bin" : path).split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static String origin(@Nullable URI url) {
        URI u = Objects.requireNonNull(url, "an HTTP server has a url");
        return u.getScheme() + "://" + u.getRawAuthority();
    }

    private static String endpoint(@Nullable URI url) {
        URI u = Objects.requireNonNull(url, "an HTTP server has a url");
        String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
        return u.getRawQuery() == null ? path : path + "?" + u.getRawQuery();
    }

    private static Set<Long> children() {
        Set<Long> pids = new HashSet<>();
        ProcessHandle.current().children().forEach(h -> pids.add(h.pid()));
        return pids;
    }

    private static @Nullable ProcessHandle newChild(Set<Long> before) {
        return ProcessHandle.current()
                .children()
                .filter(h -> !before.contains(h.pid()))
                .findFirst()
                .orElse(null);
    }

    /** The deepest message of a failure, secrets masked: what went wrong, not how the SDK wrapped it. */
    private String reason(Throwable e) {
        if (Causes.find(e, TimeoutException.class) != null) {
            return "no answer within " + Durations.format(config.startTimeout());
        }
        Throwable root = Causes.root(e);
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return Texts.cut(Redactor.redact(message), 300);
    }

    private static String version() {
        String v = McpServer.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
