package dev.heartbeat.model;

import dev.heartbeat.transcript.AssistantMessage;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What one model call returned, with what the decision record needs to know about it: which
 * provider and model answered (a fallback may have) and every HTTP attempt it took. {@code reasoningTokens}:
 * the part of the output tokens spent thinking, where the provider reports it (OpenAI's reasoning models).
 * {@code raw}: the provider's response body as it came (secrets masked), when it was small enough to keep.
 * {@code inputTokens} counts every input token, cached or not (Anthropic reports the three parts apart);
 * {@code cachedInputTokens} were read from the provider's prompt cache, {@code cacheWriteTokens} written to it.
 */
public record ModelReply(
        AssistantMessage message,
        String provider,
        String model,
        @Nullable String responseId,
        @Nullable String responseModel,
        @Nullable String finishReason,
        long inputTokens,
        long outputTokens,
        long cachedInputTokens,
        long latencyMs,
        List<Attempt> attempts,
        long reasoningTokens,
        @Nullable String raw,
        long cacheWriteTokens) {
    public ModelReply {
        attempts = attempts == null ? List.of() : List.copyOf(attempts);
    }
}
