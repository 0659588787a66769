package dev.heartbeat.model;

import dev.heartbeat.config.ModelConfig;
import dev.heartbeat.config.Provider;

/** The providers, one line each, and what follows from a configured model's provider. */
public final class ModelProviders {
    private static final ModelProvider OPENAI = new OpenAiProvider();
    private static final ModelProvider ANTHROPIC = new AnthropicProvider();
    private static final ModelProvider OLLAMA = new OllamaProvider();

    private ModelProviders() {}

    /** The class that builds {@code provider}'s models: exhaustive, so a new provider must be listed here. */
    public static ModelProvider of(Provider provider) {
        return switch (provider) {
            case OPENAI -> OPENAI;
            case ANTHROPIC -> ANTHROPIC;
            case OLLAMA -> OLLAMA;
        };
    }

    /** The base URL a model is asked at: the configured one, or its provider's public endpoint. */
    public static String baseUrl(ModelConfig m) {
        return m.baseUrl() != null && !m.baseUrl().isBlank()
                ? m.baseUrl()
                : of(m.provider()).defaultBaseUrl();
    }
}
