package dev.heartbeat.daemon;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.heartbeat.audit.Decision;
import dev.heartbeat.audit.StoredDecision;
import dev.heartbeat.config.AgentConfig;
import dev.heartbeat.config.Observability;
import dev.heartbeat.model.ModelRouter;
import dev.heartbeat.store.DecisionLog;
import dev.heartbeat.store.Store;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code observability.http}: the daemon's HTTP listener for Prometheus ({@code GET /metrics}, the text format)
 * and load balancers and probes ({@code GET /healthz}: 200 while the scheduler runs and the store answers, 503
 * with the reason otherwise). Gauges that read the store (approvals waiting, the outbox, today's budget) are
 * read at scrape time, so a scrape sees the store as it is.
 */
final class ObservabilityServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ObservabilityServer.class);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Observability settings;
    private final Clock clock;
    private @Nullable HttpServer server;

    ObservabilityServer(Observability settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /**
     * The listener that turns one agent's beats into metrics (given to its runtime), with the gauges read from
     * the store and its model router at a scrape, every meter tagged with the agent's name.
     */
    BeatMetrics watch(AgentConfig config, Store store, ModelRouter model) {
        String agent = config.agent().name();
        BeatMetrics metrics = new BeatMetrics(registry, agent, lastSuccessOnRecord(store.decisionLog(), agent));
        Gauge.builder("heartbeat.last.success.age", () -> {
                    Instant last = metrics.lastSuccess.get();
                    return last == null
                            ? Double.NaN
                            : Duration.between(last, clock.instant()).toMillis() / 1000.0;
                })
                .description("Seconds since a beat last finished quiet or acted (NaN: never)")
                .baseUnit("seconds")
                .tag("agent", agent)
                .register(registry);
        Gauge.builder(
                        "heartbeat.approvals.pending",
                        () -> store.approvals().list(agent, false).size())
                .description("Tool calls waiting for a person's approval")
                .tag("agent", agent)
                .register(registry);
        for (String status : List.of("pending", "dead")) {
            Gauge.builder(
                            "heartbeat.outbox",
                            () -> store.outbox().outboxCounts(agent).getOrDefault(status, 0L))
                    .description("Webhook notifications waiting for delivery (pending) or given up (dead)")
                    .tags("agent", agent, "status", status)
                    .register(registry);
        }
        for (String name : model.breakersOpen().keySet()) {
            Gauge.builder(
                            "heartbeat.model.breaker.open",
                            () -> model.breakersOpen().getOrDefault(name, false) ? 1 : 0)
                    .description("1 while the model's circuit breaker is open")
                    .tags("agent", agent, "model", name)
                    .register(registry);
        }
        AgentConfig.Budget budget = config.budget();
        if (budget.dailyTokens() != null) {
            long limit = budget.dailyTokens();
            Gauge.builder(
                            "heartbeat.budget.tokens.left",
                            () -> limit - spentToday(config, store).tokens())
                    .description("Tokens left of budget.daily-tokens today")
                    .tag("agent", agent)
                    .register(registry);
        }
        if (budget.dailyUsd() != null) {
            double limit = budget.dailyUsd();
            Gauge.builder(
                            "heartbeat.budget.usd.left",
                            () -> limit - spentToday(config, store).usd())
                    .description("USD left of budget.daily-usd today")
                    .tag("agent", agent)
                    .register(registry);
        }
        return metrics;
    }

    /**
     * Starts listening.
     *
     * @throws DaemonException when the address cannot be bound (in use, not this machine's)
     */
    void start(Supplier<Optional<String>> liveness) {
        String host = settings.host();
        int port = settings.port();
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress(host, port), 16);
            http.createContext(
                    "/metrics",
                    exchange -> answer(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
            http.createContext("/healthz", exchange -> {
                Optional<String> problem = liveness.get();
                answer(
                        exchange,
                        problem.isEmpty() ? 200 : 503,
                        "text/plain; charset=utf-8",
                        problem.map(p -> "unhealthy: " + p + "\n").orElse("ok\n"));
            });
            http.createContext(
                    "/",
                    exchange -> answer(
                            exchange, 404, "text/plain; charset=utf-8", "not found: GET /metrics or /healthz\n"));
            http.setExecutor(Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "observability-http");
                t.setDaemon(true);
                return t;
            }));
            http.start();
            server = http;
            LOG.info(
                    "serving /metrics and /healthz on http://{}:{}",
                    host,
                    http.getAddress().getPort());
        } catch (IOException | RuntimeException e) {
            throw new DaemonException(
                    "observability.http: cannot listen on "
                            + settings.http() + " (" + e.getMessage()
                            + "); is another process using the port?",
                    2);
        }
    }

    /** The port the listener is bound to (an ephemeral one when configured 0). */
    int port() {
        HttpServer s = server;
        return s == null ? -1 : s.getAddress().getPort();
    }

    private DecisionLog.Spending spentToday(AgentConfig config, Store store) {
        return store.decisionLog()
                .spentSince(config.agent().name(), config.startOfToday(clock).toInstant());
    }

    private static Optional<Instant> lastSuccessOnRecord(DecisionLog log, String agent) {
        Optional<Instant> last = Optional.empty();
        for (Decision.Outcome o : List.of(Decision.Outcome.QUIET, Decision.Outcome.ACTED)) {
            for (StoredDecision d : log.list(agent, null, o, 1)) {
                if (d.decision() != null) {
                    Instant t = d.decision().finishedAt().toInstant();
                    last = last.isEmpty() || t.isAfter(last.get()) ? Optional.of(t) : last;
                }
            }
        }
        return last;
    }

    private static void answer(HttpExchange exchange, int status, String type, String body) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("GET")
                    && !exchange.getRequestMethod().equals("HEAD")) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", type);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        HttpServer s = server;
        if (s != null) {
            s.stop(0);
        }
        registry.close();
    }
}
