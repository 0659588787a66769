package dev.heartbeat.tools;

/**
 * What a tool knows about the call it serves: the beat and the call id (for idempotency keys), and where
 * to tell the beat what it did besides its result.
 */
public record ToolCallContext(String beatId, String callId, BeatEvents events) {
    public ToolCallContext(String beatId, String callId) {
        this(beatId, callId, BeatEvents.NONE);
    }
}
