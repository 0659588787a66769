package dev.heartbeat.transcript;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** The model's turn: text, tool calls, or both. */
public record AssistantMessage(
        String text,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ToolCall> toolCalls) implements Message {
    public AssistantMessage {
        text = text == null ? "" : text;
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    public boolean hasToolCalls() {
        return !toolCalls.isEmpty();
    }

    @Override
    public String role() {
        return "assistant";
    }
}
