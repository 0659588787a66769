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
    NTFY,
    EMAIL;

    /** Whether notifications of this type go through the outbox: queued in the store first, retried, dead-lettered. */
    public boolean outboxed() {
        return this == WEBHOOK || this == SLACK || this == NTFY || this == EMAIL;
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
