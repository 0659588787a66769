package dev.heartbeat.model;

import dev.heartbeat.config.ModelConfig;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.model.chat.ChatModel;
import java.time.Clock;

/** Builds the LangChain4j chat model for the configured provider. */
public final class ChatModels {
    private ChatModels() {}

    /** LangChain4j's own retries are off: {@link ResilientHttpClient} owns the one retry policy. */
    public static ChatModel create(ModelConfig m, Clock clock, Sleeper sleeper) {
        String baseUrl = ModelProviders.baseUrl(m);
        HttpClientBuilder http = new ResilientHttpClient.Builder(RetryPolicy.of(m.maxRetries()), clock, sleeper)
                .connectTimeout(m.timeout())
                .readTimeout(m.timeout());
        String key = m.apiKey().isPresent() ? m.apiKey().value() : null;
        return ModelProviders.of(m.provider()).chatModel(m, baseUrl, http, key);
    }
}
