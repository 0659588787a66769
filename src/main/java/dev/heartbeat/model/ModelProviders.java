package dev.heartbeat.model;

import dev.heartbeat.config.ModelConfig;
import java.util.List;

/** The providers, one line each, and what follows from a configured model's provider. */
public final class ModelProviders {
    private static final List<ModelProvider> ALL =
            List.of(new OpenAiProvider(), new AnthropicProvider(), new OllamaProvider());

    private ModelProviders() {}

    /** The provider named {@code name}; the configuration was checked against the same names. */
    public static ModelProvider named(String name) {
        return ALL.stream()
                .filter(p -> p.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown provider " + name));
    }

    /** The base URL a model is asked at: the configured one, or its provider's public endpoint. */
    public static String baseUrl(ModelConfig m) {
        return m.baseUrl() != null && !m.baseUrl().isBlank()
                ? m.baseUrl()
                : named(m.provider()).defaultBaseUrl();
    }
}
