package dev.heartbeat.model;

import dev.heartbeat.config.ModelConfig;
import dev.heartbeat.transcript.Message;
import dev.heartbeat.transcript.SystemMessage;
import dev.langchain4j.agent.tool.ToolSpecification;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The primary model and its fallbacks, each behind a circuit breaker (resilience4j). A call goes to the
 * first model whose breaker lets it through; when that one fails in a way another provider could fix,
 * the next one is asked. Every failed try is reported, so the decision record shows the whole path.
 */
public final class ModelRouter implements ChatClient {
    /** One model that may answer: its settings and the client that asks it. */
    public record Route(ModelConfig settings, ChatClient client) {}

    private record Guarded(Route route, CircuitBreaker breaker, OpenedAt openedAt) {
        String name() {
            return route.settings().provider() + " " + route.settings().name();
        }
    }

    /** When the breaker last opened, by our clock: for the "next try at" in the reason. */
    private static final class OpenedAt {
        volatile @Nullable Instant at;
    }

    /** A breaker that opened (the provider is left alone for its cool-down) or closed again. */
    public record BreakerChange(String model, boolean opened, String detail) {}

    private final List<Guarded> routes;
    private final Clock clock;
    private final Consumer<ModelFailure> failedTries;
    private final Consumer<BreakerChange> breakerChanges;
    /** {@code model.triage}: the cheap model asked first, with a breaker of its own; null without one. */
    private final @Nullable ModelRouter triage;

    private ModelRouter(
            List<Guarded> routes,
            Clock clock,
            Consumer<ModelFailure> failedTries,
            Consumer<BreakerChange> breakerChanges,
            @Nullable ModelRouter triage) {
        this.routes = routes;
        this.clock = clock;
        this.failedTries = failedTries;
        this.breakerChanges = breakerChanges;
        this.triage = triage;
    }

    /** Each model's circuit breaker ({@code provider name}, the triage's too): true while it is open. */
    public Map<String, Boolean> breakersOpen() {
        Map<String, Boolean> out = new LinkedHashMap<>();
        for (Guarded g : routes) {
            out.put(g.name(), g.breaker().getState() == CircuitBreaker.State.OPEN);
        }
        if (triage != null) {
            out.putAll(triage.breakersOpen());
        }
        return out;
    }

    /** The triage model, reporting where this router reports; empty when none is configured. */
    public Optional<ModelRouter> triage() {
        return triage == null
                ? Optional.empty()
                : Optional.of(new ModelRouter(triage.routes, clock, failedTries, breakerChanges, null));
    }

    /** The same routes with {@code triage} asked first by each beat. */
    public ModelRouter withTriage(ModelRouter triageModel) {
        return new ModelRouter(routes, clock, failedTries, breakerChanges, triageModel);
    }

    /** The primary and its fallbacks as configured; breakers live as long as the router (the daemon's life). */
    public static ModelRouter of(ModelConfig primary, Clock clock) {
        return of(primary, clock, Sleeper.SYSTEM);
    }

    /** The same, with retry waits going to {@code sleeper}. */
    public static ModelRouter of(ModelConfig primary, Clock clock, Sleeper sleeper) {
        List<Route> routes = new ArrayList<>();
        List<ModelConfig> all = new ArrayList<>();
        all.add(primary);
        all.addAll(primary.fallbacks());
        for (ModelConfig m : all) {
            routes.add(new Route(m, ModelClient.of(m, clock, sleeper)));
        }
        ModelRouter router = of(routes, clock);
        ModelConfig triage = primary.triage();
        return triage == null
                ? router
                : router.withTriage(of(List.of(new Route(triage, ModelClient.of(triage, clock, sleeper))), clock));
    }

    /** The given routes in order, each with a breaker configured from its settings. */
    public static ModelRouter of(List<Route> routes, Clock clock) {
        List<Guarded> guarded = new ArrayList<>();
        for (Route r : routes) {
            OpenedAt openedAt = new OpenedAt();
            CircuitBreaker breaker = CircuitBreaker.of(
                    r.settings().provider() + ":" + r.settings().name(),
                    breakerConfig(r.settings().breaker(), clock));
            breaker.getEventPublisher().onStateTransition(e -> {
                if (e.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
                    openedAt.at = clock.instant();
                }
            });
            guarded.add(new Guarded(r, breaker, openedAt));
        }
        return new ModelRouter(List.copyOf(guarded), clock, f -> {}, c -> {}, null);
    }

    /**
     * Opens after {@code failures} counted failures in a row (a window of that many calls, all failed),
     * lets one probe through after the cool-down, and closes when it answers. Failures that say nothing
     * about the provider (a rejected request, the beat's deadline, a stop) are not counted: the call's
     * permission is given back, so a probe that fails that way never holds the breaker half-open.
     */
    static CircuitBreakerConfig breakerConfig(ModelConfig.Breaker b, Clock clock) {
        int n = b.failures();
        return CircuitBreakerConfig.custom()
                .slidingWindow(n, n, CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .failureRateThreshold(100)
                .waitDurationInOpenState(b.coolDown())
                .permittedNumberOfCallsInHalfOpenState(1)
                // A probe whose caller never reports (a killed thread) cannot hold the breaker half-open.
                .maxWaitDurationInHalfOpenState(b.coolDown())
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .recordException(t -> t instanceof ModelFailure f && f.fallbackMayHelp())
                .ignoreException(t -> !(t instanceof ModelFailure f && f.fallbackMayHelp()))
                .clock(clock)
                .build();
    }

    /** The same routes, their breakers shared, reporting each failed try to {@code failedTries}. */
    public ModelRouter reporting(Consumer<ModelFailure> failedTries) {
        return new ModelRouter(routes, clock, failedTries, breakerChanges, triage);
    }

    /** The same, also reporting each breaker that opens or closes during a call to {@code changes}. */
    public ModelRouter reporting(Consumer<ModelFailure> failedTries, Consumer<BreakerChange> changes) {
        return new ModelRouter(routes, clock, failedTries, changes, triage);
    }

    @Override
    public ModelReply ask(
            SystemMessage system,
            List<Message> messages,
            List<ToolSpecification> tools,
            String idPrefix,
            @Nullable Instant deadline) {
        List<String> path = new ArrayList<>();
        @Nullable ModelFailure last = null;
        for (Guarded g : routes) {
            CircuitBreaker.State before = g.breaker().getState();
            try {
                ModelReply reply = g.breaker()
                        .executeSupplier(() -> g.route().client().ask(system, messages, tools, idPrefix, deadline));
                if (before != CircuitBreaker.State.CLOSED) {
                    breakerChanges.accept(new BreakerChange(
                            g.name(), false, "the circuit breaker of " + g.name() + " closed: it answers again"));
                }
                return reply;
            } catch (CallNotPermittedException notPermitted) {
                ModelFailure open = new ModelFailure(
                        FailureKind.BREAKER_OPEN,
                        g.name() + ": its circuit breaker is open after "
                                + g.route().settings().breaker().failures() + " failures in a row; next try at "
                                + nextTry(g),
                        null);
                failedTries.accept(open);
                path.add(open.getMessage());
                last = open;
            } catch (ModelFailure f) {
                if (before != CircuitBreaker.State.OPEN && g.breaker().getState() == CircuitBreaker.State.OPEN) {
                    breakerChanges.accept(new BreakerChange(
                            g.name(),
                            true,
                            "the circuit breaker of " + g.name()
                                    + " opened after "
                                    + g.route().settings().breaker().failures() + " failed calls in a row ("
                                    + f.kind() + ": " + f.getMessage() + "); it is not asked again before "
                                    + nextTry(g)));
                }
                // With fallbacks the reason must say which model failed; alone, the message already does.
                String message = routes.size() > 1 ? g.name() + ": " + f.getMessage() : f.getMessage();
                last = new ModelFailure(f.kind(), message, f, f.attempts());
                path.add(last.getMessage());
                if (!f.fallbackMayHelp() || g == routes.get(routes.size() - 1)) {
                    break;
                }
                failedTries.accept(last);
            }
        }
        if (last == null) {
            throw new IllegalStateException("a model router has at least one route");
        }
        if (path.size() > 1) {
            throw new ModelFailure(last.kind(), String.join("; then ", path), last, last.attempts());
        }
        throw last;
    }

    private Instant nextTry(Guarded g) {
        Instant opened = g.openedAt().at;
        Duration coolDown = g.route().settings().breaker().coolDown();
        return opened == null ? clock.instant() : opened.plus(coolDown);
    }
}
