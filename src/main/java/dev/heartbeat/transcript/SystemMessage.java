package dev.heartbeat.transcript;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Instructions in the system role (kept apart from the messages by providers that require it). {@code blocks}:
 * Anthropic's system blocks as an imported history had them (with their {@code cache_control}), written back
 * as they came; {@code text} is what they say.
 */
public record SystemMessage(
        String text,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<JsonNode> blocks) implements Message {
    public SystemMessage {
        text = text == null ? "" : text;
        blocks = blocks == null ? List.of() : List.copyOf(blocks);
    }

    public SystemMessage(String text) {
        this(text, List.of());
    }

    @Override
    public String role() {
        return "system";
    }
}
