package dev.heartbeat.model;

import dev.heartbeat.config.AgentConfig;
import dev.heartbeat.transcript.Message;
import dev.heartbeat.transcript.SystemMessage;
import dev.langchain4j.agent.tool.ToolSpecification;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The primary model and its fallbacks, each behind a circuit breaker. A call goes to the first model
 * whose breaker lets it through; when that one fails in a way another provider could fix, the next
 * one is asked. Every failed try is reported, so the decision record shows the whole path.
 */
public final class ModelRouter implements ChatClient {
    private record Route(AgentConfig.Model settings, ChatClient client, CircuitBreaker breaker) {
    }

    private final List<Route> routes;
    private final Consumer<ModelFailure> failedTries;

    private ModelRouter(List<Route> routes, Consumer<ModelFailure> failedTries) {
        this.routes = routes;
        this.failedTries = failedTries;
    }

    /** The primary and its fallbacks as configured; breakers live as long as the router (the daemon's life). */
    public static ModelRouter of(AgentConfig.Model primary, Clock clock) {
        List<Route> routes = new ArrayList<>();
        List<AgentConfig.Model> all = new ArrayList<>();
        all.add(primary);
        all.addAll(primary.fallbacks());
        for (AgentConfig.Model m : all) {
            routes.add(new Route(m, ModelClient.of(m, clock), new CircuitBreaker(m.breaker().failures(),
                    m.breaker().coolDown(), clock)));
        }
        return new ModelRouter(routes, f -> { });
    }

    /** The same routes, their breakers shared, reporting each failed try to {@code failedTries}. */
    public ModelRouter reporting(Consumer<ModelFailure> failedTries) {
        return new ModelRouter(routes, failedTries);
    }

    @Override
    public ModelReply ask(SystemMessage system, List<Message> messages, List<ToolSpecification> tools, String idPrefix,
                          Instant deadline) {
        List<String> path = new ArrayList<>();
        ModelFailure last = null;
        for (Route route : routes) {
            String name = route.settings().provider() + " " + route.settings().name();
            if (!route.breaker().allow()) {
                ModelFailure open = new ModelFailure("breaker_open", name + ": its circuit breaker is open after "
                        + route.settings().breaker().failures() + " failures in a row; next try at "
                        + route.breaker().retryAt(), null);
                failedTries.accept(open);
                path.add(open.getMessage());
                last = open;
                continue;
            }
            try {
                ModelReply reply = route.client().ask(system, messages, tools, idPrefix, deadline);
                route.breaker().success();
                return reply;
            } catch (ModelFailure f) {
                if (f.fallbackMayHelp()) {
                    route.breaker().failure();
                }
                // With fallbacks the reason must say which model failed; alone, the message already does.
                String message = routes.size() > 1 ? name + ": " + f.getMessage() : f.getMessage();
                last = new ModelFailure(f.kind(), message, f, f.attempts());
                path.add(last.getMessage());
                if (!f.fallbackMayHelp() || route == routes.get(routes.size() - 1)) {
                    break;
                }
                failedTries.accept(last);
            }
        }
        if (path.size() > 1) {
            throw new ModelFailure(last.kind(), String.join("; then ", path), last, last.attempts());
        }
        throw last;
    }
}
