package dev.heartbeat.transcript;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.heartbeat.support.Redactor;
import java.util.ArrayList;
import java.util.List;

/** The model's turn: text, tool calls, or both. */
public record AssistantMessage(
        String text,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ToolCall> toolCalls) implements Message {
    public AssistantMessage {
        text = text == null ? "" : text;
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    /** This turn with secrets masked in its text, its tool calls' ids and names, and their arguments. */
    public AssistantMessage redacted() {
        if (!Redactor.hasSecrets()) {
            return this;
        }
        List<ToolCall> calls = new ArrayList<>();
        for (ToolCall c : toolCalls) {
            calls.add(new ToolCall(
                    Redactor.redact(c.id()), Redactor.redact(c.name()), Redactor.redactJson(c.arguments())));
        }
        return new AssistantMessage(Redactor.redact(text), calls);
    }

    public boolean hasToolCalls() {
        return !toolCalls.isEmpty();
    }

    @Override
    public String role() {
        return "assistant";
    }
}
