package dev.heartbeat.transcript;

/** The result of one tool call, answering the call with {@code callId}. */
public record ToolResultMessage(String callId, String toolName, String text, boolean isError) implements Message {
    public ToolResultMessage {
        callId = callId == null ? "" : callId;
        toolName = toolName == null ? "" : toolName;
        text = text == null ? "" : text;
    }

    @Override
    public String role() {
        return "tool";
    }
}
