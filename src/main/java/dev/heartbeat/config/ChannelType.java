package dev.heartbeat.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * The notify channel types {@code notify.channels[].type} may name. Each is one class in {@code notify/},
 * built in {@code Channels}, which switches over these values so a new one cannot be left unbuilt.
 */
public enum ChannelType {
    LOG,
    FILE,
    WEBHOOK,
    SLACK,
    NTFY;

    /** Whether notifications of this type are HTTP posts that go through the outbox (queued, retried). */
    public boolean posted() {
        return this == WEBHOOK || this == SLACK || this == NTFY;
    }

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
    public static ChannelType of(String name) {
        return WireNames.parse(values(), ChannelType::wire, name, "channel type");
    }
}
