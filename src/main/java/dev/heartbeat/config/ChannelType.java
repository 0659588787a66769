package dev.heartbeat.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The notify channel types {@code notify.channels[].type} may name. Each is one class in {@code notify/},
 * built in {@code Channels}, which switches over these values so a new one cannot be left unbuilt.
 */
public enum ChannelType {
    LOG("log"),
    FILE("file"),
    WEBHOOK("webhook");

    private final String wire;

    ChannelType(String wire) {
        this.wire = wire;
    }

    /** The name agent.yaml and notification records use. */
    @JsonValue
    public String wire() {
        return wire;
    }

    @Override
    public String toString() {
        return wire;
    }

    @JsonCreator
    public static ChannelType of(String name) {
        return WireNames.parse(values(), ChannelType::wire, name, "channel type");
    }
}
