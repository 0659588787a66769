package dev.heartbeat.model;

import dev.heartbeat.config.AgentConfig;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.ollama.OllamaChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import java.time.Clock;

/** Builds the LangChain4j chat model for the configured provider. */
public final class ChatModels {
    private ChatModels() {}

    /** LangChain4j's own retries are off: {@link ResilientHttpClient} owns the one retry policy. */
    public static ChatModel create(AgentConfig.Model m, Clock clock, Sleeper sleeper) {
        HttpClientBuilder http = new ResilientHttpClient.Builder(RetryPolicy.of(m.maxRetries()), clock, sleeper)
                .connectTimeout(m.timeout())
                .readTimeout(m.timeout());
        String key = m.apiKey().isPresent() ? m.apiKey().value() : null;
        return switch (m.provider()) {
            case "openai" ->
                OpenAiChatModel.builder()
                        .httpClientBuilder(http)
                        .baseUrl(m.effectiveBaseUrl())
                        .apiKey(key != null ? key : "none")
                        .modelName(m.name())
                        .temperature(m.temperature())
                        .maxCompletionTokens(m.maxTokens())
                        .timeout(m.timeout())
                        .maxRetries(0)
                        .build();
            case "anthropic" ->
                AnthropicChatModel.builder()
                        .httpClientBuilder(http)
                        .baseUrl(withSlash(m.effectiveBaseUrl()))
                        .apiKey(key)
                        .modelName(m.name())
                        .temperature(m.temperature())
                        .maxTokens(m.maxTokens())
                        .timeout(m.timeout())
                        .maxRetries(0)
                        .build();
            case "ollama" ->
                OllamaChatModel.builder()
                        .httpClientBuilder(http)
                        .baseUrl(m.effectiveBaseUrl())
                        .modelName(m.name())
                        .temperature(m.temperature())
                        .numPredict(m.maxTokens())
                        .timeout(m.timeout())
                        .maxRetries(0)
                        .build();
            default -> throw new IllegalArgumentException("unknown provider " + m.provider());
        };
    }

    private static String withSlash(String url) {
        return url.endsWith("/") ? url : url + "/";
    }
}
