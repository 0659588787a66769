package dev.heartbeat.config;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.quartz.CronExpression;

/** The model section: provider, name, base URL, the key, fallbacks; a model that needs a key has one. */
final class ModelSection extends Section {
    ModelSection(Input in) {
        super(in);
    }

    ModelConfig model() {
        ModelConfig m = checkModel(config.model(), "/model");
        List<ModelConfig> fallbacks = new ArrayList<>();
        for (int i = 0; i < m.fallbacks().size(); i++) {
            String at = "/model/fallbacks/" + i;
            ModelConfig f = m.fallbacks().get(i);
            if (f == null) {
                throw parse.error(at, "each fallback is a model: { provider: ..., name: ... }");
            }
            if (!f.fallbacks().isEmpty()) {
                throw parse.error(
                        at + "/fallbacks",
                        "a fallback cannot have fallbacks of its own; list them all " + "under model.fallbacks");
            }
            fallbacks.add(checkModel(f, at));
        }
        if (!ModelConfig.CACHE_SETTINGS.contains(m.cache())) {
            throw parse.error("/model/cache", "'" + m.cache() + "' is not auto, off, 5m or 1h");
        }
        m = m.withFallbacks(fallbacks)
                .withCache(m.cache().equals("auto") && m.provider() == Provider.ANTHROPIC ? autoTtl() : m.cache());
        return m.withTriage(m.triage() == null ? null : triage(m, m.triage()));
    }

    /**
     * The cache TTL that lets the next beat read what this one wrote: 5 minutes for beats that close together,
     * an hour up to hourly beats; past that nothing outlives the gap, and 5 minutes still serves the steps of
     * one beat's tool loop at the lower write price.
     */
    private String autoTtl() {
        AgentConfig.Heartbeat h = config.heartbeat();
        Duration gap = h.every();
        if (h.cron() != null) {
            try {
                CronExpression cron = new CronExpression(h.cron());
                Date first = cron.getNextValidTimeAfter(new Date());
                Date second = first == null ? null : cron.getNextValidTimeAfter(first);
                gap = first == null || second == null
                        ? Duration.ofDays(1)
                        : Duration.between(first.toInstant(), second.toInstant());
            } catch (ParseException e) {
                return "5m"; // the heartbeat section names the bad expression
            }
        }
        return gap.isZero() || gap.compareTo(Duration.ofMinutes(5)) <= 0 || gap.compareTo(Duration.ofHours(1)) > 0
                ? "5m"
                : "1h";
    }

    /**
     * {@code model.triage}: a cheap model that takes each beat first. What it leaves out comes from the main
     * model (its provider, and with the same provider its base URL and key), so {@code { name: ... }} is enough.
     */
    private ModelConfig triage(ModelConfig main, ModelConfig t) {
        String at = "/model/triage";
        if (!t.fallbacks().isEmpty() || t.triage() != null) {
            throw parse.error(
                    at, "a triage model has no fallbacks or triage of its own; the main model is its fallback");
        }
        Provider provider = parse.has(at + "/provider") ? t.provider() : main.provider();
        boolean same = provider == main.provider();
        boolean ownKey = t.apiKey().isPresent() || t.apiKeyFile() != null || t.credential() != null;
        ModelConfig merged = new ModelConfig(
                provider,
                t.name(),
                t.baseUrl() != null ? t.baseUrl() : same ? main.baseUrl() : null,
                ownKey || !same ? t.apiKey() : main.apiKey(),
                t.apiKeyFile(),
                t.credential(),
                parse.has(at + "/timeout") ? t.timeout() : main.timeout(),
                parse.has(at + "/max-tokens") ? t.maxTokens() : main.maxTokens(),
                t.temperature(),
                parse.has(at + "/max-retries") ? t.maxRetries() : main.maxRetries(),
                t.breaker(),
                List.of(),
                t.thinking(),
                main.cache(),
                null);
        return checkModel(merged, at);
    }

    private ModelConfig checkModel(ModelConfig m, String at) {
        if (m.name() == null || m.name().isBlank()) {
            throw parse.error(
                    parse.has(at + "/name") ? at + "/name" : at,
                    ConfigLoader.dotted(at) + ".name is required: the model to ask, such as gpt-4o-mini, "
                            + "claude-sonnet-4-5 or llama3.1");
        }
        if (m.baseUrl() != null) {
            httpUrl(at + "/base-url", m.baseUrl());
        }
        positive(at + "/timeout", m.timeout());
        if (m.maxTokens() < 1) {
            throw parse.error(at + "/max-tokens", "must be at least 1");
        }
        if (m.temperature() != null && (m.temperature() < 0 || m.temperature() > 2)) {
            throw parse.error(at + "/temperature", "must be between 0 and 2");
        }
        if (m.maxRetries() < 0 || m.maxRetries() > 10) {
            throw parse.error(at + "/max-retries", "must be between 0 and 10");
        }
        if (m.breaker().failures() < 1) {
            throw parse.error(at + "/breaker/failures", "must be at least 1");
        }
        positive(at + "/breaker/cool-down", m.breaker().coolDown());
        checkThinking(m, at + "/thinking");
        return m.withKey(apiKey(m, at));
    }

    private static final List<String> EFFORTS = List.of("minimal", "low", "medium", "high");

    /** What each provider takes: a thinking budget for Anthropic, a reasoning effort for OpenAI. */
    private void checkThinking(ModelConfig m, String at) {
        ModelConfig.Thinking t = m.thinking();
        if (t == null) {
            return;
        }
        switch (m.provider()) {
            case ANTHROPIC -> {
                Integer budget = t.budgetTokens();
                if (t.isAdaptive() && budget != null) {
                    throw parse.error(at, "give budget-tokens or adaptive: true, not both");
                }
                if (budget == null && !t.isAdaptive()) {
                    throw parse.error(
                            at, "Anthropic's extended thinking needs budget-tokens (at least 1024) or adaptive: true");
                }
                if (t.effort() != null) {
                    throw parse.error(
                            at + "/effort",
                            "effort is for OpenAI's reasoning models; Anthropic takes " + "budget-tokens");
                }
                if (m.temperature() != null) {
                    throw parse.error(
                            at.replace("/thinking", "/temperature"),
                            "cannot be set with extended thinking: Anthropic takes only its default then");
                }
                if (budget != null && (budget < 1024 || budget >= m.maxTokens())) {
                    throw parse.error(
                            at + "/budget-tokens",
                            "must be at least 1024 and below max-tokens (" + m.maxTokens() + "): thinking counts "
                                    + "against max-tokens, so raise max-tokens too");
                }
            }
            case OPENAI -> {
                if (t.budgetTokens() != null || t.isAdaptive()) {
                    throw parse.error(
                            at + "/budget-tokens",
                            "budget-tokens is for Anthropic; OpenAI's reasoning "
                                    + "models take effort: minimal, low, medium or high");
                }
                if (t.effort() == null || !EFFORTS.contains(t.effort())) {
                    throw parse.error(
                            parse.has(at + "/effort") ? at + "/effort" : at,
                            "effort must be one of: " + String.join(", ", EFFORTS));
                }
            }
            case OLLAMA -> throw parse.error(at, "thinking is not supported for ollama models here; remove it");
        }
    }

    /** The key from api-key, then api-key-file, then the systemd credential; required for remote providers. */
    private Secret apiKey(ModelConfig m, String at) {
        String keyPointer = at + "/api-key";
        if (m.apiKey().isPresent()) {
            return m.apiKey();
        }
        if (m.apiKeyFile() != null && !m.apiKeyFile().isBlank()) {
            Path keyFile = config.resolve(m.apiKeyFile());
            try {
                String key = Files.readString(keyFile, StandardCharsets.UTF_8).trim();
                if (key.isEmpty()) {
                    throw parse.error(at + "/api-key-file", "the file " + keyFile + " is empty");
                }
                return new Secret(key);
            } catch (IOException e) {
                throw parse.error(
                        at + "/api-key-file",
                        "cannot read " + keyFile + " (" + e.getClass().getSimpleName()
                                + "); check the path and its permissions");
            }
        }
        Optional<Secret> credential = credential(m.credentialName(), at + "/credential");
        if (credential.isPresent()) {
            return credential.get();
        }
        if (!requireKey || !needsKey(m)) {
            return new Secret(null);
        }
        String variable = parse.unset().get(keyPointer);
        String why = variable != null ? "environment variable " + variable + " is not set" : "no API key is configured";
        String pointer = parse.has(keyPointer) ? keyPointer : at;
        throw parse.error(
                pointer,
                "the " + m.provider() + " provider needs an API key, and " + why + ". Export it"
                        + (variable != null ? " (export " + variable + "=...)" : "")
                        + ", set model.api-key-file to a file "
                        + "holding the key, or pass a systemd credential named '" + m.credentialName() + "'.");
    }

    /** Ollama and OpenAI-compatible servers on this machine run without keys; remote providers do not. */
    private static boolean needsKey(ModelConfig m) {
        if (m.provider() == Provider.OLLAMA) {
            return false;
        }
        if (m.baseUrl() == null) {
            return true;
        }
        String host = URI.create(m.baseUrl()).getHost();
        if (host == null) {
            return true;
        }
        return !(host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]"));
    }
}
