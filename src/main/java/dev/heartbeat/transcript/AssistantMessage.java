package dev.heartbeat.transcript;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.heartbeat.support.Redactor;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The model's turn: text, tool calls, or both; the reasoning blocks the provider sent before them (kept
 * exactly, see {@link Reasoning}), and which model produced it ({@code provider/model}), so reasoning is
 * only ever sent back to the model that made it.
 */
public record AssistantMessage(
        String text,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ToolCall> toolCalls,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Reasoning> reasoning,
        @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String model)
        implements Message {
    public AssistantMessage {
        text = text == null ? "" : text;
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        reasoning = reasoning == null ? List.of() : List.copyOf(reasoning);
    }

    public AssistantMessage(String text, List<ToolCall> toolCalls) {
        this(text, toolCalls, List.of(), null);
    }

    /** The same turn with other tool calls (a repair), its reasoning and model kept. */
    public AssistantMessage withToolCalls(List<ToolCall> calls) {
        return new AssistantMessage(text, calls, reasoning, model);
    }

    /** The same turn with other reasoning blocks (a repair dropped some). */
    public AssistantMessage withReasoning(List<Reasoning> blocks) {
        return new AssistantMessage(text, toolCalls, blocks, model);
    }

    /**
     * This turn with secrets masked in its text, its tool calls' ids and names, and their arguments. Reasoning
     * is kept as it is: a signed block changed by one character is refused by the provider.
     */
    public AssistantMessage redacted() {
        if (!Redactor.hasSecrets()) {
            return this;
        }
        List<ToolCall> calls = new ArrayList<>();
        for (ToolCall c : toolCalls) {
            calls.add(new ToolCall(
                    Redactor.redact(c.id()), Redactor.redact(c.name()), Redactor.redactJson(c.arguments())));
        }
        return new AssistantMessage(Redactor.redact(text), calls, reasoning, model);
    }

    public boolean hasToolCalls() {
        return !toolCalls.isEmpty();
    }

    @Override
    public String role() {
        return "assistant";
    }
}
