package dev.heartbeat.tools;

/** What a tool knows about the call it serves: the beat and the call id (for idempotency keys). */
public record ToolCallContext(String beatId, String callId) {
}
