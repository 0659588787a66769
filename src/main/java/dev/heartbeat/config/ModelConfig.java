package dev.heartbeat.config;

import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The {@code model} section: the provider, model and key a beat calls, how it retries, its breaker, and the
 * fallbacks tried in order when it fails.
 */
@SuppressWarnings("NullAway") // null is "not set" (as the binder passes it): the constructor puts the default in
public record ModelConfig(
        Provider provider,
        String name,
        @Nullable String baseUrl,
        Secret apiKey,
        @Nullable String apiKeyFile,
        @Nullable String credential,
        Duration timeout,
        Integer maxTokens,
        @Nullable Double temperature,
        Integer maxRetries,
        Breaker breaker,
        List<ModelConfig> fallbacks,
        @Nullable Thinking thinking) {
    public ModelConfig {
        provider = provider == null ? Provider.OPENAI : provider;
        apiKey = apiKey == null ? new Secret(null) : apiKey;
        timeout = timeout == null ? Duration.ofSeconds(60) : timeout;
        maxTokens = maxTokens == null ? 1024 : maxTokens;
        maxRetries = maxRetries == null ? 2 : maxRetries;
        breaker = breaker == null ? new Breaker(null, null) : breaker;
        fallbacks = fallbacks == null ? List.of() : List.copyOf(fallbacks);
    }

    public ModelConfig(
            Provider provider,
            String name,
            String baseUrl,
            Secret apiKey,
            String apiKeyFile,
            String credential,
            Duration timeout,
            Integer maxTokens,
            Double temperature,
            Integer maxRetries) {
        this(
                provider,
                name,
                baseUrl,
                apiKey,
                apiKeyFile,
                credential,
                timeout,
                maxTokens,
                temperature,
                maxRetries,
                null,
                null,
                null);
    }

    public ModelConfig withKey(Secret key) {
        return with(key, fallbacks, thinking);
    }

    public ModelConfig withFallbacks(List<ModelConfig> resolved) {
        return with(apiKey, resolved, thinking);
    }

    /** The same model asked with thinking off. */
    public ModelConfig withoutThinking() {
        return with(apiKey, fallbacks, null);
    }

    private ModelConfig with(Secret key, List<ModelConfig> others, @Nullable Thinking think) {
        return new ModelConfig(
                provider,
                name,
                baseUrl,
                key,
                apiKeyFile,
                credential,
                timeout,
                maxTokens,
                temperature,
                maxRetries,
                breaker,
                others,
                think);
    }

    /** The name of the systemd credential that may hold the key. */
    public String credentialName() {
        return credential != null ? credential : provider + "-api-key";
    }

    /**
     * Extended thinking: {@code budget-tokens} for Anthropic (at least 1024, below {@code max-tokens}), or
     * {@code adaptive: true} for the models that decide their own budget; their signed thinking blocks are kept
     * and sent back in the tool loop. {@code effort} (minimal, low, medium, high) for OpenAI's reasoning
     * models. Off unless set.
     */
    public record Thinking(
            @Nullable Integer budgetTokens,
            @Nullable String effort,
            @Nullable Boolean adaptive) {
        public boolean isAdaptive() {
            return Boolean.TRUE.equals(adaptive);
        }
    }

    /** Per provider: open after {@code failures} failed calls in a row, probe again after {@code cool-down}. */
    @SuppressWarnings("NullAway") // null is "not set" (as the binder passes it): the constructor puts the default in
    public record Breaker(Integer failures, Duration coolDown) {
        public Breaker {
            failures = failures == null ? 5 : failures;
            coolDown = coolDown == null ? Duration.ofSeconds(60) : coolDown;
        }
    }
}
