package dev.heartbeat.transcript;

/**
 * A tool call as the model made it. {@code arguments} is the raw JSON text the model sent, kept
 * even when it does not parse, so a torn call stays visible.
 */
public record ToolCall(String id, String name, String arguments) {
    public ToolCall {
        id = id == null ? "" : id;
        name = name == null ? "" : name;
        arguments = arguments == null ? "{}" : arguments;
    }
}
