package dev.heartbeat.model;

import dev.heartbeat.config.ModelConfig;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.ollama.OllamaChatModel;
import org.jspecify.annotations.Nullable;

/** {@code provider: ollama}: a local Ollama server, no key. */
final class OllamaProvider implements ModelProvider {
    @Override
    public String defaultBaseUrl() {
        return "http://localhost:11434";
    }

    @Override
    public ChatModel chatModel(ModelConfig m, String baseUrl, HttpClientBuilder http, @Nullable String key) {
        return OllamaChatModel.builder()
                .httpClientBuilder(http)
                .baseUrl(baseUrl)
                .modelName(m.name())
                .temperature(m.temperature())
                .numPredict(m.maxTokens())
                .timeout(m.timeout())
                .maxRetries(0)
                .build();
    }
}
