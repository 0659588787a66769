package dev.heartbeat.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
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
        @Nullable Thinking thinking,
        String cache,
        @Nullable ModelConfig triage) {
    /** {@code cache}: Anthropic prompt caching of the stable prefix, {@code auto} (from the beat's interval). */
    public static final List<String> CACHE_SETTINGS = List.of("auto", "off", "5m", "1h");

    public ModelConfig {
        provider = provider == null ? Provider.OPENAI : provider;
        apiKey = apiKey == null ? new Secret(null) : apiKey;
        timeout = timeout == null ? Duration.ofSeconds(60) : timeout;
        maxTokens = maxTokens == null ? 1024 : maxTokens;
        maxRetries = maxRetries == null ? 2 : maxRetries;
        breaker = breaker == null ? new Breaker(null, null) : breaker;
        fallbacks = fallbacks == null ? List.of() : List.copyOf(fallbacks);
        cache = cache == null ? "auto" : cache;
    }

    /** The cache TTL written on the stable prefix ({@code 5m} or {@code 1h}); empty when caching is off. */
    public Optional<String> cacheTtl() {
        return cache.equals("off") || provider != Provider.ANTHROPIC
                ? Optional.<String>empty()
                : Optional.of(cache.equals("auto") ? "5m" : cache);
    }

    /** The same model with {@code cache} resolved ({@code auto} made a TTL from the beat's interval). */
    public ModelConfig withCache(String resolved) {
        return with(apiKey, fallbacks, thinking, resolved, triage);
    }

    /** The same model with its triage model checked. */
    public ModelConfig withTriage(@Nullable ModelConfig checked) {
        return with(apiKey, fallbacks, thinking, cache, checked);
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
                null,
                null,
                null);
    }

    public ModelConfig withKey(Secret key) {
        return with(key, fallbacks, thinking, cache, triage);
    }

    public ModelConfig withFallbacks(List<ModelConfig> resolved) {
        return with(apiKey, resolved, thinking, cache, triage);
    }

    /** The same model asked with thinking off. */
    public ModelConfig withoutThinking() {
        return with(apiKey, fallbacks, null, cache, triage);
    }

    /** A copy with what can change after binding (the resolved key, checked fallbacks and triage, thinking, cache). */
    private ModelConfig with(
            Secret key,
            List<ModelConfig> others,
            @Nullable Thinking think,
            String resolvedCache,
            @Nullable ModelConfig checkedTriage) {
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
                think,
                resolvedCache,
                checkedTriage);
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
