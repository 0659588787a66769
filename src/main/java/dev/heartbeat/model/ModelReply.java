package dev.heartbeat.model;

import dev.heartbeat.transcript.AssistantMessage;

/** What one model call returned, with what the decision record needs to know about it. */
public record ModelReply(AssistantMessage message, String responseId, String responseModel, String finishReason,
                         long inputTokens, long outputTokens, long cachedInputTokens, long latencyMs) {
}
