package dev.heartbeat.model;

/** The model could not be asked or did not answer; the message says why and what to check. */
public final class ModelFailure extends RuntimeException {
    private final String kind;

    public ModelFailure(String kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    /** auth, not_found, rate_limit, server, timeout, connection, invalid_request or other. */
    public String kind() {
        return kind;
    }
}
