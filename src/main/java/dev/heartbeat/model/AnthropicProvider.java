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
        return AnthropicChatModel.builder()
                .httpClientBuilder(http)
                // LangChain4j appends "messages" to the base URL as it is.
                .baseUrl(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/")
                .apiKey(key)
                .modelName(m.name())
                .temperature(m.temperature())
                .maxTokens(m.maxTokens())
                .timeout(m.timeout())
                .maxRetries(0)
                .build();
    }
}
