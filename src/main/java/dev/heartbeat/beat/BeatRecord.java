package dev.heartbeat.beat;

import dev.heartbeat.audit.Decision;
import dev.heartbeat.audit.Decision.Gate;
import dev.heartbeat.audit.Decision.ModelCall;
import dev.heartbeat.audit.Decision.NotificationRecord;
import dev.heartbeat.audit.Decision.Outcome;
import dev.heartbeat.audit.Decision.RepairRecord;
import dev.heartbeat.audit.Decision.ToolCallRecord;
import dev.heartbeat.audit.Decision.Usage;
import dev.heartbeat.audit.ToolOutcome;
import dev.heartbeat.config.AgentConfig;
import dev.heartbeat.config.ModelConfig;
import dev.heartbeat.config.Provider;
import dev.heartbeat.model.Attempt;
import dev.heartbeat.model.ModelFailure;
import dev.heartbeat.model.ModelReply;
import dev.heartbeat.model.ModelRouter;
import dev.heartbeat.repair.TokenEstimator;
import dev.heartbeat.store.Intents;
import dev.heartbeat.store.Outbox;
import dev.heartbeat.store.Store;
import dev.heartbeat.support.JsonRecords;
import dev.heartbeat.support.Redactor;
import dev.heartbeat.tools.ToolExecutor;
import dev.heartbeat.transcript.Reasoning;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one beat did, as it happens: gates, model calls (and their tokens and cost), tool calls, repairs and
 * notifications; a running beat's calls and notifications are journaled in the store the moment they
 * exist, so a crash hides none of them. {@link #build} makes the decision record of it.
 */
class BeatRecord {
    private static final Logger LOG = LoggerFactory.getLogger("dev.heartbeat.decision");

    final AgentConfig config;
    final Store store;
    final Clock clock;
    final String id;
    final BeatOptions options;
    final OffsetDateTime started;
    final List<Gate> gates = new ArrayList<>();
    /** What the probes found, when the agent has any. */
    final List<Decision.ProbeRecord> probes = new ArrayList<>();

    final List<ModelCall> modelCalls;
    final List<ToolCallRecord> toolCalls;
    final List<RepairRecord> repairs = new ArrayList<>();
    final List<NotificationRecord> notifications;
    /** Breakers that opened or closed during this beat: the operator hears of each. */
    final List<ModelRouter.BreakerChange> breakerChanges = new ArrayList<>();

    Usage usage = new Usage(0, 0);
    /** What the answers cost, each at the price of the model that gave it; null while none is priced. */
    @Nullable
    Double cost;
    /** The model that answered last (a fallback, when the primary failed); the primary until one answers. */
    Decision.ModelInfo answeredBy;

    @Nullable
    String finalAnswer;

    int step;

    /**
     * {@code journaled}: a running beat, whose calls and notifications go on record as they happen (and
     * {@code listener} hears of each then).
     */
    BeatRecord(
            AgentConfig config,
            Store store,
            Clock clock,
            String id,
            BeatOptions options,
            OffsetDateTime started,
            boolean journaled,
            BeatListener listener) {
        this.config = config;
        this.store = store;
        this.clock = clock;
        this.id = id;
        this.options = options;
        this.started = started;
        this.modelCalls = journaled
                ? new Journaled<>(store, id, "model_call", c -> listener.modelCalled(id, c))
                : new ArrayList<>();
        this.toolCalls = journaled
                ? new Journaled<>(store, id, "tool_call", c -> listener.toolCalled(id, c))
                : new ArrayList<>();
        this.notifications = journaled
                ? new Journaled<>(store, id, "notification", n -> listener.notified(id, n))
                : new ArrayList<>();
        this.answeredBy = new Decision.ModelInfo(
                config.model().provider().wire(), config.model().name());
    }

    /**
     * What a beat killed midway did, as the store knows it: its model calls (and their tokens, which
     * count against the budget), tool calls, notifications, and the side effects it started.
     */
    void recover(List<Intents.BeatEvent> events, List<Intents.Intent> intents) {
        Set<String> recorded = new HashSet<>();
        for (Intents.BeatEvent e : events) {
            try {
                switch (e.kind()) {
                    case "model_call" -> {
                        ModelCall call = JsonRecords.read(e.json(), ModelCall.class);
                        modelCalls.add(call);
                        spent(
                                call.requestModel(),
                                new Usage(
                                        call.inputTokens(),
                                        call.outputTokens(),
                                        call.cachedInputTokens(),
                                        call.cacheWriteInputTokens()));
                    }
                    case "tool_call" -> {
                        ToolCallRecord call = JsonRecords.read(e.json(), ToolCallRecord.class);
                        toolCalls.add(call);
                        recorded.add(call.id());
                    }
                    case "notification" -> notifications.add(JsonRecords.read(e.json(), NotificationRecord.class));
                    default -> LOG.warn("beat {}: unknown event kind '{}' left out of its record", id, e.kind());
                }
            } catch (RuntimeException unreadable) {
                LOG.warn("beat {}: an event of kind {} could not be read and is left out of its record", id, e.kind());
            }
        }
        for (Outbox.Outgoing queued : store.outbox().outgoingOf(id)) {
            if (queued.status().equals("pending") && queued.attempts() == 0) {
                notifications.add(new NotificationRecord(
                        queued.channel(),
                        queued.severity(),
                        "queued",
                        "the first attempt was cut short by the crash; the outbox retries it with the same "
                                + "Idempotency-Key " + queued.receiverKey()));
            }
        }
        for (Intents.Intent intent : intents) {
            if (!recorded.contains(intent.callId()) && intent.unfinished()) {
                toolCalls.add(new ToolCallRecord(
                        intent.callId(),
                        intent.tool(),
                        ToolExecutor.recordable(intent.arguments()),
                        true,
                        false,
                        ToolOutcome.INTERRUPTED,
                        "outcome unknown: the process stopped while it ran; it was not run again",
                        0,
                        null,
                        null));
            }
        }
    }

    /** A model call that answered: on record (with the model that answered), and its tokens counted. */
    void answered(int atStep, ModelReply reply) {
        modelCalls.add(new ModelCall(
                atStep,
                "chat",
                reply.provider(),
                reply.model(),
                reply.responseModel(),
                reply.responseId(),
                reply.finishReason() == null ? List.of() : List.of(reply.finishReason()),
                reply.inputTokens(),
                reply.outputTokens(),
                reply.cachedInputTokens(),
                reply.latencyMs(),
                attempts(reply.attempts()),
                null,
                reasoningTokens(reply),
                reply.cacheWriteTokens()));
        answeredBy = new Decision.ModelInfo(reply.provider(), reply.model());
        spent(
                reply.model(),
                new Usage(
                        reply.inputTokens(),
                        reply.outputTokens(),
                        reply.cachedInputTokens(),
                        reply.cacheWriteTokens()));
    }

    /**
     * The output tokens an answer spent thinking: as the provider reports them (OpenAI), else estimated from the
     * thinking it returned (Anthropic counts thinking in its output tokens without saying how much).
     */
    private static long reasoningTokens(ModelReply reply) {
        if (reply.reasoningTokens() > 0) {
            return reply.reasoningTokens();
        }
        String thinking = reply.message().reasoning().stream()
                .filter(r -> r instanceof Reasoning.Thinking t && t.thinking() != null)
                .map(r -> String.valueOf(((Reasoning.Thinking) r).thinking()))
                .reduce("", String::concat);
        return thinking.isEmpty()
                ? 0
                : Math.min(
                        reply.outputTokens(),
                        TokenEstimator.forProvider(Provider.ANTHROPIC).count(thinking));
    }

    /** Counts an answer's tokens, and its cost at the price of the model that gave it. */
    void spent(String modelName, Usage call) {
        usage = usage.plus(call);
        config.price(modelName)
                .ifPresent(p -> cost = (cost == null ? 0.0 : cost)
                        + p.cost(
                                call.inputTokens(),
                                call.outputTokens(),
                                call.cachedInputTokens(),
                                call.cacheWriteInputTokens()));
    }

    /** A try that failed (a fallback may have answered after it). */
    void failed(ModelFailure failure) {
        failed(failure, config.model());
    }

    /** A try of model {@code m} that failed. */
    void failed(ModelFailure failure, ModelConfig m) {
        modelCalls.add(new ModelCall(
                step,
                "chat",
                m.provider().wire(),
                m.name(),
                null,
                null,
                List.of(),
                0,
                0,
                0,
                0,
                attempts(failure.attempts()),
                Redactor.redact((step == 0 ? "summary: " : "") + failure.kind() + ": " + failure.getMessage()),
                0));
    }

    private static List<Decision.AttemptRecord> attempts(List<Attempt> attempts) {
        List<Decision.AttemptRecord> out = new ArrayList<>();
        for (Attempt a : attempts) {
            out.add(new Decision.AttemptRecord(
                    a.attempt(), a.status(), a.error() == null ? null : Redactor.redact(a.error()), a.waitedMs()));
        }
        return out;
    }

    /** The decision record of the beat so far, with its outcome and why. */
    Decision build(Outcome outcome, String reason) {
        return Decision.builder(id, config.agent().name(), config.sessionName())
                .trigger(options.trigger())
                .times(started, OffsetDateTime.now(clock))
                .outcome(outcome, Redactor.redact(reason))
                .dryRun(options.dryRun())
                .model(answeredBy)
                .usage(usage, cost)
                .gates(gates)
                .probes(probes)
                .modelCalls(modelCalls)
                .toolCalls(toolCalls)
                .repairs(repairs)
                .notifications(notifications)
                .finalAnswer(finalAnswer)
                .tick(
                        options.node(),
                        options.scheduledAt() == null
                                ? null
                                : OffsetDateTime.ofInstant(
                                        options.scheduledAt(), config.agent().timezone()))
                .build();
    }
}
