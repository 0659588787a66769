package dev.heartbeat.model;

import dev.heartbeat.config.ModelConfig;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.model.chat.ChatModel;
import org.jspecify.annotations.Nullable;

/**
 * A model provider: its public endpoint and how its LangChain4j chat model is built. A new provider is a
 * class implementing this, its name as a {@link dev.heartbeat.config.Provider} value (what
 * {@code model.provider} is checked against), and one line in {@link ModelProviders}.
 */
public interface ModelProvider {
    /** The endpoint used when {@code model.base-url} is not set. */
    String defaultBaseUrl();

    /**
     * The chat model for {@code m} at {@code baseUrl}, sending through {@code http} (which owns the one retry
     * policy, so the model's own retries stay off); {@code key} is null when none is configured.
     */
    ChatModel chatModel(ModelConfig m, String baseUrl, HttpClientBuilder http, @Nullable String key);
}
