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
        AnthropicChatModel.AnthropicChatModelBuilder b = AnthropicChatModel.builder()
                .httpClientBuilder(http)
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
