package dev.heartbeat.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The model providers {@code model.provider} may name. Each is one class in {@code model/}, registered in
 * {@code ModelProviders}, which switches over these values so a new one cannot be left unbuilt.
 */
public enum Provider {
    OPENAI("openai"),
    ANTHROPIC("anthropic"),
    OLLAMA("ollama");

    private final String wire;

    Provider(String wire) {
        this.wire = wire;
    }

    /** The name agent.yaml and decision records use. */
    @JsonValue
    public String wire() {
        return wire;
    }

    @Override
    public String toString() {
        return wire;
    }

    @JsonCreator
    public static Provider of(String name) {
        return WireNames.parse(values(), Provider::wire, name, "provider");
    }
}
