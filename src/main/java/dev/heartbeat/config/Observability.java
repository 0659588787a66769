package dev.heartbeat.config;

import org.jspecify.annotations.Nullable;

/**
 * The {@code observability} section. {@code http}: {@code HOST:PORT} of an HTTP listener the daemon serves
 * Prometheus {@code /metrics} and {@code /healthz} on; off when unset. Loopback unless the operator names
 * another address.
 */
public record Observability(@Nullable String http) {
    /** The host to bind. */
    public String host() {
        String h = String.valueOf(http);
        String host = h.substring(0, h.lastIndexOf(':'));
        return host.isEmpty() ? "127.0.0.1" : host.replace("[", "").replace("]", "");
    }

    /** The port to bind (0: any free port). */
    public int port() {
        String h = String.valueOf(http);
        return Integer.parseInt(h.substring(h.lastIndexOf(':') + 1));
    }
}
