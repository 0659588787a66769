package dev.heartbeat.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The record one heartbeat leaves: what it saw (gates), what it did (model and tool calls), what
 * came of it (outcome, reason), chained to the record before it by {@code prev_hash}. {@code node}:
 * the daemon that ran the beat, in a cluster; {@code scheduled_at}: the tick it took (the fence).
 */
public record Decision(
        String id,
        String agent,
        String session,
        Trigger trigger,
        OffsetDateTime startedAt,
        OffsetDateTime finishedAt,
        Outcome outcome,
        String reason,
        boolean dryRun,
        ModelInfo model,
        Usage usage,
        @Nullable Double costUsd,
        List<Gate> gates,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ProbeRecord> probes,
        List<ModelCall> modelCalls,
        List<ToolCallRecord> toolCalls,
        List<RepairRecord> repairs,
        List<NotificationRecord> notifications,
        @Nullable String finalAnswer,
        @Nullable String node,
        @Nullable OffsetDateTime scheduledAt,
        @Nullable String prevHash,
        @Nullable String hash) {

    public Decision {
        gates = List.copyOf(gates);
        probes = probes == null ? List.of() : List.copyOf(probes);
        modelCalls = List.copyOf(modelCalls);
        toolCalls = List.copyOf(toolCalls);
        repairs = List.copyOf(repairs);
        notifications = List.copyOf(notifications);
    }

    public Decision chained(@Nullable String prevHash, @Nullable String hash) {
        return toBuilder().chain(prevHash, hash).build();
    }

    /** A decision of beat {@code id} of {@code agent} on {@code session}; what is not set is empty or none. */
    public static Builder builder(String id, String agent, String session) {
        return new Builder(id, agent, session);
    }

    /** A builder holding everything this decision holds. */
    public Builder toBuilder() {
        return builder(id, agent, session)
                .trigger(trigger)
                .times(startedAt, finishedAt)
                .outcome(outcome, reason)
                .dryRun(dryRun)
                .model(model)
                .usage(usage, costUsd)
                .gates(gates)
                .probes(probes)
                .modelCalls(modelCalls)
                .toolCalls(toolCalls)
                .repairs(repairs)
                .notifications(notifications)
                .finalAnswer(finalAnswer)
                .tick(node, scheduledAt)
                .chain(prevHash, hash);
    }

    /** Builds a decision by name instead of by position (the record has 22 components). */
    public static final class Builder {
        private final String id;
        private final String agent;
        private final String session;
        private Trigger trigger = Trigger.MANUAL;
        private @Nullable OffsetDateTime startedAt;
        private @Nullable OffsetDateTime finishedAt;
        private @Nullable Outcome outcome;
        private @Nullable String reason;
        private boolean dryRun;
        private @Nullable ModelInfo model;
        private Usage usage = new Usage(0, 0);
        private @Nullable Double costUsd;
        private List<Gate> gates = List.of();
        private List<ProbeRecord> probes = List.of();
        private List<ModelCall> modelCalls = List.of();
        private List<ToolCallRecord> toolCalls = List.of();
        private List<RepairRecord> repairs = List.of();
        private List<NotificationRecord> notifications = List.of();
        private @Nullable String finalAnswer;
        private @Nullable String node;
        private @Nullable OffsetDateTime scheduledAt;
        private @Nullable String prevHash;
        private @Nullable String hash;

        private Builder(String id, String agent, String session) {
            this.id = id;
            this.agent = agent;
            this.session = session;
        }

        public Builder trigger(Trigger value) {
            this.trigger = value;
            return this;
        }

        public Builder times(OffsetDateTime started, OffsetDateTime finished) {
            this.startedAt = started;
            this.finishedAt = finished;
            return this;
        }

        public Builder outcome(Outcome value, String why) {
            this.outcome = value;
            this.reason = why;
            return this;
        }

        public Builder dryRun(boolean value) {
            this.dryRun = value;
            return this;
        }

        public Builder model(ModelInfo value) {
            this.model = value;
            return this;
        }

        public Builder usage(Usage value, @Nullable Double cost) {
            this.usage = value;
            this.costUsd = cost;
            return this;
        }

        public Builder gates(List<Gate> value) {
            this.gates = value;
            return this;
        }

        public Builder probes(List<ProbeRecord> value) {
            this.probes = value;
            return this;
        }

        public Builder modelCalls(List<ModelCall> value) {
            this.modelCalls = value;
            return this;
        }

        public Builder toolCalls(List<ToolCallRecord> value) {
            this.toolCalls = value;
            return this;
        }

        public Builder repairs(List<RepairRecord> value) {
            this.repairs = value;
            return this;
        }

        public Builder notifications(List<NotificationRecord> value) {
            this.notifications = value;
            return this;
        }

        public Builder finalAnswer(@Nullable String value) {
            this.finalAnswer = value;
            return this;
        }

        /** The node that ran the beat and the tick it took; both null for a beat without a tick. */
        public Builder tick(@Nullable String runBy, @Nullable OffsetDateTime scheduled) {
            this.node = runBy;
            this.scheduledAt = scheduled;
            return this;
        }

        public Builder chain(@Nullable String prev, @Nullable String own) {
            this.prevHash = prev;
            this.hash = own;
            return this;
        }

        /** Every decision says when it ran, what came of it and why, and which model it was for. */
        public Decision build() {
            return new Decision(
                    id,
                    agent,
                    session,
                    trigger,
                    Objects.requireNonNull(startedAt, "times"),
                    Objects.requireNonNull(finishedAt, "times"),
                    Objects.requireNonNull(outcome, "outcome"),
                    Objects.requireNonNull(reason, "outcome"),
                    dryRun,
                    Objects.requireNonNull(model, "model"),
                    usage,
                    costUsd,
                    gates,
                    probes,
                    modelCalls,
                    toolCalls,
                    repairs,
                    notifications,
                    finalAnswer,
                    node,
                    scheduledAt,
                    prevHash,
                    hash);
        }
    }

    /**
     * What a list of decisions shows of each: read from a stored record without binding the rest (model and tool
     * calls, gates, repairs), which a cold {@code decisions list} of fifty records spent a tenth of its CPU on.
     */
    public record Summary(
            String id,
            String agent,
            Trigger trigger,
            OffsetDateTime startedAt,
            Outcome outcome,
            String reason,
            Usage usage,
            @Nullable String node) {
        /** A record without one of these is not a decision to list: reading it fails, and it is shown unreadable. */
        public Summary {
            if (id == null
                    || agent == null
                    || trigger == null
                    || startedAt == null
                    || outcome == null
                    || reason == null
                    || usage == null) {
                throw new IllegalArgumentException(
                        "a decision record has an id, agent, trigger, start, outcome, " + "reason and usage");
            }
        }

        public static Summary of(Decision d) {
            return new Summary(
                    d.id(), d.agent(), d.trigger(), d.startedAt(), d.outcome(), d.reason(), d.usage(), d.node());
        }
    }

    public enum Trigger {
        SCHEDULE,
        MANUAL,
        MISSED;

        @JsonValue
        public String wire() {
            return name().toLowerCase();
        }

        public static Trigger fromWire(String wire) {
            return valueOf(wire.toUpperCase(Locale.ROOT));
        }
    }

    public enum Outcome {
        QUIET,
        ACTED,
        SKIPPED,
        FAILED,
        AWAITING_APPROVAL;

        @JsonValue
        public String wire() {
            return name().toLowerCase();
        }

        public static Outcome parse(String text) {
            for (Outcome o : values()) {
                if (o.wire().equalsIgnoreCase(text)) {
                    return o;
                }
            }
            throw new IllegalArgumentException(
                    "unknown outcome '" + text + "'; use one of quiet, acted, skipped, failed, awaiting_approval");
        }
    }

    public record ModelInfo(String provider, String name) {}

    /**
     * Tokens of the whole beat; {@code input_tokens} counts every input token, {@code cached_input_tokens} the
     * part a provider cache served and {@code cache_write_input_tokens} the part written to it (Anthropic; absent
     * when none, so records from before hash the same).
     */
    public record Usage(
            long inputTokens,
            long outputTokens,
            long cachedInputTokens,
            @JsonInclude(JsonInclude.Include.NON_DEFAULT) long cacheWriteInputTokens) {
        public Usage(long inputTokens, long outputTokens) {
            this(inputTokens, outputTokens, 0, 0);
        }

        public Usage(long inputTokens, long outputTokens, long cachedInputTokens) {
            this(inputTokens, outputTokens, cachedInputTokens, 0);
        }

        public Usage plus(Usage other) {
            return new Usage(
                    inputTokens + other.inputTokens,
                    outputTokens + other.outputTokens,
                    cachedInputTokens + other.cachedInputTokens,
                    cacheWriteInputTokens + other.cacheWriteInputTokens);
        }
    }

    /** A gate the beat passed through, and whether it let the beat go on. */
    public record Gate(String name, boolean passed, String detail) {}

    /**
     * What one probe found this beat: {@code ran} false when its last result stood (it was not due again);
     * {@code changed}: its fingerprint differs from what the model last saw; {@code holds}: its {@code when}
     * condition, where it has one; {@code error}: why it failed (a failed probe counts as changed);
     * {@code result}: the start of what it read, secrets masked; {@code fingerprint}: the start of its SHA-256.
     */
    public record ProbeRecord(
            String name,
            String kind,
            String source,
            boolean ran,
            boolean changed,
            @Nullable Boolean holds,
            @Nullable String fingerprint,
            @Nullable String result,
            @Nullable String error,
            OffsetDateTime ranAt,
            long durationMs) {}

    /**
     * One request to the model and what came back, named after the OpenTelemetry GenAI semantic
     * conventions. {@code step} 0 is a summary call (context compaction), 1.. the beat's turns.
     */
    public record ModelCall(
            int step,
            @JsonProperty("gen_ai.operation.name") String operation,
            @JsonProperty("gen_ai.provider.name") String provider,
            @JsonProperty("gen_ai.request.model") String requestModel,
            @JsonProperty("gen_ai.response.model") @Nullable String responseModel,
            @JsonProperty("gen_ai.response.id") @Nullable String responseId,
            @JsonProperty("gen_ai.response.finish_reasons") List<String> finishReasons,
            @JsonProperty("gen_ai.usage.input_tokens") long inputTokens,
            @JsonProperty("gen_ai.usage.output_tokens") long outputTokens,

            @JsonProperty("gen_ai.usage.cache_read.input_tokens")
            long cachedInputTokens,

            long latencyMs,
            List<AttemptRecord> attempts,
            @Nullable String error,

            @JsonProperty("gen_ai.usage.reasoning.output_tokens") @JsonInclude(JsonInclude.Include.NON_DEFAULT)
            long reasoningTokens,

            @JsonProperty("gen_ai.usage.cache_creation.input_tokens") @JsonInclude(JsonInclude.Include.NON_DEFAULT)
            long cacheWriteInputTokens) {
        public ModelCall(
                int step,
                String operation,
                String provider,
                String requestModel,
                @Nullable String responseModel,
                @Nullable String responseId,
                List<String> finishReasons,
                long inputTokens,
                long outputTokens,
                long cachedInputTokens,
                long latencyMs,
                List<AttemptRecord> attempts,
                @Nullable String error,
                long reasoningTokens) {
            this(
                    step,
                    operation,
                    provider,
                    requestModel,
                    responseModel,
                    responseId,
                    finishReasons,
                    inputTokens,
                    outputTokens,
                    cachedInputTokens,
                    latencyMs,
                    attempts,
                    error,
                    reasoningTokens,
                    0);
        }

        public ModelCall {
            finishReasons = finishReasons == null ? List.of() : List.copyOf(finishReasons);
            attempts = attempts == null ? List.of() : List.copyOf(attempts);
        }
    }

    /** One HTTP attempt of a model call: the status (0 without an answer), the error, the wait before the next. */
    public record AttemptRecord(
            int attempt, int status, @Nullable String error, long waitedMs) {}

    /**
     * One tool call the model made. {@code arguments} is the parsed JSON where it parsed, else the raw
     * text; {@code outcome} is a {@link ToolOutcome}.
     */
    /**
     * {@code name} is what the model called ({@code gen_ai.tool.name}); for an MCP server's tool, {@code server}
     * and {@code serverTool} say which server ran it under which of its own names (absent for a built-in, so
     * records from before MCP hash the same). A built-in's name never holds {@code __}.
     */
    public record ToolCallRecord(
            String id,
            String name,
            JsonNode arguments,
            boolean sideEffecting,
            boolean executed,
            ToolOutcome outcome,
            String result,
            long durationMs,

            @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable
            String server,

            @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable
            String serverTool) {
        /** Left null, both are read from the name: {@code SERVER__TOOL} is an MCP server's tool. */
        public ToolCallRecord {
            if (server == null) {
                server = serverOf(name);
                serverTool = server == null ? null : name.substring(server.length() + SERVER_SEPARATOR.length());
            }
        }

        private static final String SERVER_SEPARATOR = "__";

        /** Built-in tool names never hold {@code __}; an MCP tool's name is {@code SERVER__TOOL}. */
        private static @Nullable String serverOf(String name) {
            int split = name.indexOf(SERVER_SEPARATOR);
            return split > 0 ? name.substring(0, split) : null;
        }
    }

    /**
     * One action taken on a session's history: the rule, the stored messages it touched, and what
     * they held before and after (JSON), so nothing a repair removes is lost from the record.
     */
    public record RepairRecord(
            String rule,
            String detail,
            List<Long> messageIds,
            @Nullable String before,
            @Nullable String after) {
        public RepairRecord {
            messageIds = messageIds == null ? List.of() : List.copyOf(messageIds);
        }

        public RepairRecord(String rule, String detail, List<Long> messageIds) {
            this(rule, detail, messageIds, null, null);
        }
    }

    /** A notification the beat sent (or would have, in a dry run). */
    public record NotificationRecord(String channel, String severity, String status, String detail) {}
}
