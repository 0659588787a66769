package dev.heartbeat.daemon;

import dev.heartbeat.audit.Decision;
import dev.heartbeat.audit.HeadAnchor;
import dev.heartbeat.beat.BeatListener;
import dev.heartbeat.beat.BeatOptions;
import dev.heartbeat.support.Redactor;
import dev.heartbeat.support.Texts;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The beats as OpenTelemetry spans, with the GenAI semantic conventions' names and the attributes the decision
 * records already carry: {@code invoke_agent AGENT} per beat, and under it {@code chat MODEL} per model call and
 * {@code execute_tool NAME} per tool call, each timed as it ran (a call's span is made when it is on record,
 * from its measured duration). What the model was told or answered goes out only with
 * {@code OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true}, masked and cut.
 */
final class BeatTraces implements BeatListener {
    private static final int MAX_CONTENT_CHARS = 4_000;

    private final Tracer tracer;
    private final String agent;
    private final boolean content;
    /** The open beat span of each running beat. */
    private final Map<String, Span> beats = new ConcurrentHashMap<>();

    BeatTraces(Tracer tracer, String agent, boolean content) {
        this.tracer = tracer;
        this.agent = agent;
        this.content = content;
    }

    @Override
    public void beatStarted(String beatId, BeatOptions options) {
        beats.put(
                beatId,
                tracer.spanBuilder("invoke_agent " + agent)
                        .setSpanKind(SpanKind.INTERNAL)
                        .setAttribute("gen_ai.operation.name", "invoke_agent")
                        .setAttribute("gen_ai.agent.name", agent)
                        .setAttribute("gen_ai.agent.id", beatId)
                        .setAttribute("heartbeat.trigger", options.trigger().wire())
                        .setAttribute("heartbeat.dry_run", options.dryRun())
                        .startSpan());
    }

    private Context parent(String beatId) {
        Span beat = beats.get(beatId);
        return beat == null ? Context.root() : Context.root().with(beat);
    }

    @Override
    public void modelCalled(String beatId, Decision.ModelCall call) {
        Instant end = Instant.now();
        Span span = tracer.spanBuilder("chat " + call.requestModel())
                .setParent(parent(beatId))
                .setSpanKind(SpanKind.CLIENT)
                .setStartTimestamp(end.minusMillis(call.latencyMs()))
                .setAttribute("gen_ai.operation.name", call.operation())
                .setAttribute("gen_ai.provider.name", call.provider())
                .setAttribute("gen_ai.request.model", call.requestModel())
                .setAttribute("gen_ai.usage.input_tokens", call.inputTokens())
                .setAttribute("gen_ai.usage.output_tokens", call.outputTokens())
                .setAttribute("gen_ai.usage.cache_read.input_tokens", call.cachedInputTokens())
                .startSpan();
        if (call.responseModel() != null) {
            span.setAttribute("gen_ai.response.model", call.responseModel());
        }
        if (call.responseId() != null) {
            span.setAttribute("gen_ai.response.id", call.responseId());
        }
        if (!call.finishReasons().isEmpty()) {
            span.setAttribute(AttributeKey.stringArrayKey("gen_ai.response.finish_reasons"), call.finishReasons());
        }
        if (call.error() != null) {
            span.setStatus(StatusCode.ERROR, call.error());
            span.setAttribute("error.type", BeatMetrics.errorType(call.error()));
        }
        span.end(end);
    }

    @Override
    public void toolCalled(String beatId, Decision.ToolCallRecord call) {
        Instant end = Instant.now();
        Span span = tracer.spanBuilder("execute_tool " + call.name())
                .setParent(parent(beatId))
                .setSpanKind(SpanKind.INTERNAL)
                .setStartTimestamp(end.minusMillis(call.durationMs()))
                .setAttribute("gen_ai.operation.name", "execute_tool")
                .setAttribute("gen_ai.tool.name", call.name())
                .setAttribute("gen_ai.tool.call.id", call.id())
                .setAttribute("heartbeat.tool.outcome", call.outcome().wire())
                .setAttribute("heartbeat.tool.executed", call.executed())
                .startSpan();
        if (call.server() != null) {
            span.setAttribute("heartbeat.mcp.server", call.server());
        }
        if (content) {
            span.setAttribute("gen_ai.tool.call.arguments", cut(String.valueOf(call.arguments())));
        }
        span.end(end);
    }

    @Override
    public void beatRecorded(Decision d, Optional<HeadAnchor.Head> chainHead) {
        Span span = beats.remove(d.id());
        if (span == null) {
            // A record of a beat that did not run (skipped without the lock, missed, interrupted): one short span.
            span = tracer.spanBuilder("invoke_agent " + agent)
                    .setStartTimestamp(d.startedAt().toInstant())
                    .setAttribute("gen_ai.operation.name", "invoke_agent")
                    .setAttribute("gen_ai.agent.name", agent)
                    .setAttribute("gen_ai.agent.id", d.id())
                    .startSpan();
        }
        span.setAttribute("heartbeat.outcome", d.outcome().wire());
        span.setAttribute("heartbeat.reason", cut(d.reason()));
        span.setAttribute("gen_ai.request.model", d.model().name());
        span.setAttribute("gen_ai.usage.input_tokens", d.usage().inputTokens());
        span.setAttribute("gen_ai.usage.output_tokens", d.usage().outputTokens());
        if (d.costUsd() != null) {
            span.setAttribute("heartbeat.cost_usd", d.costUsd());
        }
        if (content && d.finalAnswer() != null) {
            span.setAttribute(AttributeKey.stringArrayKey("gen_ai.output.messages"), List.of(cut(d.finalAnswer())));
        }
        if (d.outcome() == Decision.Outcome.FAILED) {
            span.setStatus(StatusCode.ERROR, cut(d.reason()));
        }
        span.end(d.finishedAt().toInstant().toEpochMilli(), TimeUnit.MILLISECONDS);
    }

    private static String cut(String text) {
        return Texts.cut(Redactor.redact(text), MAX_CONTENT_CHARS);
    }
}
