package dev.heartbeat.daemon;

import dev.heartbeat.audit.Decision;
import dev.heartbeat.audit.HeadAnchor;
import dev.heartbeat.beat.BeatListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The beats as metrics, in the names Prometheus and the OpenTelemetry GenAI semantic conventions use:
 * {@code heartbeat_beats_total} by agent, outcome and trigger; {@code gen_ai_client_token_usage} (by token type,
 * model and provider) and {@code gen_ai_client_operation_duration_seconds} for every model call; tool calls,
 * notifications, cost; the time of the last beat that finished (quiet or acted).
 */
final class BeatMetrics implements BeatListener {
    private final MeterRegistry registry;
    private final String agent;
    /** When the last beat finished quiet or acted (null: none since the daemon started and none on record). */
    final AtomicReference<Instant> lastSuccess = new AtomicReference<>();

    /**
     * Registered with the listener, not at the first priced beat: a scrape running while a beat registers meters
     * could see the beat's counter, registered after the cost's, without the cost's (a run of ObservabilityIT saw exactly that).
     */
    private final Counter cost;

    BeatMetrics(MeterRegistry registry, String agent, Optional<Instant> lastSuccessOnRecord) {
        this.registry = registry;
        this.agent = agent;
        lastSuccessOnRecord.ifPresent(lastSuccess::set);
        this.cost = Counter.builder("heartbeat.cost.usd")
                .description("What the beats' model calls cost, at the configured prices")
                .tags("agent", agent)
                .register(registry);
    }

    @Override
    public void modelCalled(String beatId, Decision.ModelCall call) {
        String error = call.error() == null ? "" : errorType(call.error());
        Timer.builder("gen_ai.client.operation.duration")
                .description("How long a model call took (every HTTP attempt and wait included)")
                .tags(callTags(call).and("error.type", error))
                .publishPercentileHistogram()
                .register(registry)
                .record(Duration.ofMillis(call.latencyMs()));
        if (call.error() != null) {
            return;
        }
        tokens(call, "input", call.inputTokens());
        tokens(call, "output", call.outputTokens());
        Counter.builder("heartbeat.cached.input.tokens")
                .description("Input tokens a provider's prompt cache served")
                .tags("agent", agent, "gen_ai.request.model", call.requestModel())
                .register(registry)
                .increment(call.cachedInputTokens());
    }

    private void tokens(Decision.ModelCall call, String type, long n) {
        DistributionSummary.builder("gen_ai.client.token.usage")
                .description("Tokens of a model call, by gen_ai.token.type")
                .tags(callTags(call).and("gen_ai.token.type", type))
                .register(registry)
                .record(n);
    }

    /** What every model call's meters are tagged with: the agent, the operation, the provider and the model. */
    private Tags callTags(Decision.ModelCall call) {
        return Tags.of(
                "agent", agent,
                "gen_ai.operation.name", call.operation(),
                "gen_ai.provider.name", call.provider(),
                "gen_ai.request.model", call.requestModel());
    }

    /** The failure kind at the head of a recorded error ("timeout: ...", "summary: rate_limited: ..."). */
    static String errorType(String error) {
        String e = error.startsWith("summary: ") ? error.substring("summary: ".length()) : error;
        int colon = e.indexOf(':');
        return colon > 0 && colon < 40 ? e.substring(0, colon) : "error";
    }

    @Override
    public void toolCalled(String beatId, Decision.ToolCallRecord call) {
        Counter.builder("heartbeat.tool.calls")
                .description("Tool calls by tool and outcome")
                .tags(
                        "agent",
                        agent,
                        "gen_ai.tool.name",
                        call.name(),
                        "outcome",
                        call.outcome().wire())
                .register(registry)
                .increment();
    }

    @Override
    public void notified(String beatId, Decision.NotificationRecord n) {
        Counter.builder("heartbeat.notifications")
                .description("Notifications by channel and status")
                .tags("agent", agent, "channel", n.channel(), "status", n.status())
                .register(registry)
                .increment();
    }

    @Override
    public void beatRecorded(Decision d, Optional<HeadAnchor.Head> chainHead) {
        // The beat is counted last. A scrape reads the meters one at a time, in no set order, so one that runs
        // while a beat is recorded may still read its count without its cost; the next one reads both.
        if (d.costUsd() != null) {
            cost.increment(d.costUsd());
        }
        if (d.outcome() == Decision.Outcome.QUIET || d.outcome() == Decision.Outcome.ACTED) {
            lastSuccess.set(d.finishedAt().toInstant());
        }
        Counter.builder("heartbeat.beats")
                .description("Beats by outcome and trigger, skipped ones included")
                .tags(
                        "agent",
                        agent,
                        "outcome",
                        d.outcome().wire(),
                        "trigger",
                        d.trigger().wire())
                .register(registry)
                .increment();
    }
}
