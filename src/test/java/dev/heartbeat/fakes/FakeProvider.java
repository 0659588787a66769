package dev.heartbeat.fakes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A model provider on a real HTTP server, speaking one provider's wire format. It parses each request,
 * checks the credentials and the history against the provider's rules (answering the provider's own
 * 400 errors), records what it received, and replays scripted replies in order.
 */
public abstract class FakeProvider implements AutoCloseable {
    static {
        // Without TCP_NODELAY the JDK server's small writes meet delayed ACKs: ~40 ms per exchange.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    protected static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final boolean tls;
    private final ConcurrentLinkedDeque<Reply> script = new ConcurrentLinkedDeque<>();
    private final List<JsonNode> requests = Collections.synchronizedList(new ArrayList<>());
    private final List<String> rejections = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger served = new AtomicInteger();
    private volatile Reply fallback;
    private volatile Reply withoutTools;
    protected final String apiKey;

    /** A scripted answer. */
    public sealed interface Reply permits Text, Calls, Status, Hang, Reset, Slow {}

    public record Text(String text) implements Reply {}

    /** Tool calls; {@code arguments} is sent as given, so it may be broken JSON. */
    public record Call(String id, String name, String arguments) {}

    public record Calls(List<Call> calls) implements Reply {}

    public record Status(int status, String body, Map<String, String> headers) implements Reply {
        public Status(int status, String body) {
            this(status, body, Map.of());
        }
    }

    /** Announces a body, sends part of it, and drops the connection (a reset mid-body). */
    public record Reset() implements Reply {}

    public record Hang(Duration duration) implements Reply {}

    /** Gives {@code reply} after {@code delay}: a model that takes its time. */
    public record Slow(Duration delay, Reply reply) implements Reply {}

    protected FakeProvider(String path, String apiKey) {
        this(path, apiKey, null);
    }

    /** With {@code tls}, the provider speaks HTTPS with that certificate (for {@code localhost}). */
    protected FakeProvider(String path, String apiKey, TestTls tls) {
        this.apiKey = apiKey;
        this.tls = tls != null;
        try {
            InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
            if (tls == null) {
                server = HttpServer.create(loopback, 0);
            } else {
                HttpsServer https = HttpsServer.create(loopback, 0);
                https.setHttpsConfigurator(new HttpsConfigurator(tls.serverContext()));
                server = https;
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext(path, this::handle);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-provider");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://127.0.0.1:PORT}, or {@code https://localhost:PORT} (the name its certificate holds). */
    protected String origin() {
        return (tls ? "https://localhost:" : "http://127.0.0.1:") + port();
    }

    public abstract String baseUrl();

    public abstract String providerName();

    public FakeProvider text(String text) {
        script.add(new Text(text));
        return this;
    }

    public FakeProvider call(String name, String arguments) {
        script.add(new Calls(List.of(new Call(null, name, arguments))));
        return this;
    }

    public FakeProvider calls(Call... calls) {
        script.add(new Calls(List.of(calls)));
        return this;
    }

    public FakeProvider status(int status, String body) {
        script.add(new Status(status, body));
        return this;
    }

    public FakeProvider reply(Reply reply) {
        script.add(reply);
        return this;
    }

    public FakeProvider hang(Duration d) {
        script.add(new Hang(d));
        return this;
    }

    /** Forgets the answers not given yet (a crashed client never asked for them). */
    public FakeProvider clearScript() {
        script.clear();
        return this;
    }

    /** What to answer once the script is used up (without one, a 500 that says the script ran out). */
    private volatile Function<JsonNode, Reply> responder;

    public FakeProvider otherwise(Reply reply) {
        this.fallback = reply;
        return this;
    }

    /**
     * Answers from the request itself once the script is used up: a simulated model whose reply depends on
     * what it was shown (benchmarks).
     */
    public FakeProvider answering(Function<JsonNode, Reply> model) {
        this.responder = model;
        return this;
    }

    /** How to answer requests that offer no tools (the agent's summary calls), apart from the script. */
    public FakeProvider withoutTools(Reply reply) {
        this.withoutTools = reply;
        return this;
    }

    public List<JsonNode> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** The 400 messages this server answered: a test that expects none checks this is empty. */
    public List<String> rejections() {
        synchronized (rejections) {
            return List.copyOf(rejections);
        }
    }

    public int served() {
        return served.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] raw = exchange.getRequestBody().readAllBytes();
            if (!exchange.getRequestMethod().equals("POST")) {
                respond(exchange, 405, "{\"error\":\"method not allowed\"}");
                return;
            }
            JsonNode body;
            try {
                body = JSON.readTree(raw);
            } catch (IOException e) {
                respond(exchange, 400, invalidRequest("request body is not valid JSON"));
                return;
            }
            requests.add(body);
            String authError = checkAuth(exchange);
            if (authError != null) {
                respond(exchange, 401, authError);
                return;
            }
            String problem = validate(body);
            if (problem != null) {
                rejections.add(problem);
                respond(exchange, 400, invalidRequest(problem));
                return;
            }
            Reply reply = withoutTools != null && body.path("tools").isEmpty() ? withoutTools : script.poll();
            if (reply == null && responder != null) {
                reply = responder.apply(body);
            }
            if (reply == null) {
                reply = fallback;
            }
            if (reply == null) {
                respond(exchange, 500, serverError("the fake provider's script ran out"));
                return;
            }
            served.incrementAndGet();
            if (reply instanceof Status s) {
                s.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
                respond(exchange, s.status(), s.body());
            } else if (reply instanceof Reset) {
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, 4096);
                exchange.getResponseBody().write("{\"id\": \"chatcmpl-cut".getBytes(StandardCharsets.UTF_8));
                exchange.getResponseBody().flush();
                exchange.close();
            } else if (reply instanceof Slow slow) {
                try {
                    Thread.sleep(slow.delay().toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                respond(exchange, 200, render(body, slow.reply(), served.get()));
            } else if (reply instanceof Hang h) {
                try {
                    Thread.sleep(h.duration().toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                respond(exchange, 500, serverError("hung"));
            } else {
                respond(exchange, 200, render(body, reply, served.get()));
            }
        } catch (IOException | RuntimeException e) {
            // The client went away (a timeout test): nothing to answer.
        }
    }

    /** An error body in the provider's format, for an auth failure; null when the request may pass. */
    protected abstract String checkAuth(HttpExchange exchange);

    /** The provider's 400 message for this request, or null when the provider would accept it. */
    protected abstract String validate(JsonNode body);

    protected abstract String invalidRequest(String message);

    protected abstract String serverError(String message);

    protected abstract String render(JsonNode request, Reply reply, int n) throws IOException;

    /** A deterministic token count for usage figures: about four characters a token. */
    protected static int tokens(String text) {
        return Math.max(1, text.length() / 4);
    }

    /** The key as providers echo it in 401 messages: head and tail only. */
    protected static String masked(String key) {
        if (key == null || key.length() < 8) {
            return "***";
        }
        return key.substring(0, 3) + "*".repeat(key.length() - 7) + key.substring(key.length() - 4);
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
