package dev.heartbeat.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import org.jspecify.annotations.Nullable;

/**
 * A secret value (an API key, a webhook token). Its {@code toString} never shows the value, so a
 * secret that slips into a log line or an exception message prints as a mask.
 */
public record Secret(@Nullable String value) {
    public static final String MASK = "<redacted>";

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static Secret of(@Nullable String value) {
        return new Secret(value);
    }

    public boolean isPresent() {
        return value != null && !value.isBlank();
    }

    /** Serialised as its mask, so no JSON or YAML this program writes can carry the value. */
    @JsonValue
    @Override
    public String toString() {
        return isPresent() ? MASK : "<none>";
    }
}
