package dev.heartbeat.model;

import dev.heartbeat.config.ModelConfig;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.chat.ChatModel;
import org.jspecify.annotations.Nullable;

/** {@code provider: anthropic}: the Messages API. */
final class AnthropicProvider implements ModelProvider {
    @Override
    public String defaultBaseUrl() {
        return "https://api.anthropic.com/v1/";
    }

    @Override
    public ChatModel chatModel(ModelConfig m, String baseUrl, HttpClientBuilder http, @Nullable String key) {
        // The stable prefix (tools, then the system prompt with the summary) is marked for the prompt cache, so a
        // beat within the TTL of the last reads it at a tenth of the input price; 5 minutes is the API's default.
        String ttl = m.cacheTtl().orElse(null);
        AnthropicChatModel.AnthropicChatModelBuilder b = AnthropicChatModel.builder()
                .httpClientBuilder(ttl == null || ttl.equals("5m") ? http : new CacheTtl(http, ttl))
                .cacheTools(ttl != null)
                .cacheSystemMessages(ttl != null)
                // LangChain4j appends "messages" to the base URL as it is.
                .baseUrl(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/")
                .apiKey(key)
                .modelName(m.name())
                .temperature(m.temperature())
                .maxTokens(m.maxTokens())
                .timeout(m.timeout())
                .maxRetries(0);
        ModelConfig.Thinking thinking = m.thinking();
        if (thinking != null) {
            // Signed thinking blocks come back on every reply and go back, unchanged, with the turn that
            // made them: in a tool loop the API requires the final assistant turn to start with its thinking.
            if (thinking.isAdaptive()) {
                b.thinkingType("adaptive");
            } else {
                b.thinkingType("enabled").thinkingBudgetTokens(thinking.budgetTokens());
            }
            b.returnThinking(true).sendThinking(true);
        }
        return b.build();
    }
}
