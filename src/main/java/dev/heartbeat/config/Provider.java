package dev.heartbeat.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * The model providers {@code model.provider} may name. Each is one class in {@code model/}, registered in
 * {@code ModelProviders}, which switches over these values so a new one cannot be left unbuilt.
 */
public enum Provider {
    OPENAI,
    ANTHROPIC,
    OLLAMA;

    /** The name agent.yaml and records use: the value in lower case. */
    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return wire();
    }

    @JsonCreator
    public static Provider of(String name) {
        return WireNames.parse(values(), Provider::wire, name, "provider");
    }
}
