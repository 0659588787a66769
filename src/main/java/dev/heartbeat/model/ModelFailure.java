package dev.heartbeat.model;

import java.util.List;

/** The model could not be asked or did not answer; the message says why and what to check. */
public final class ModelFailure extends RuntimeException {
    private final String kind;
    private final List<Attempt> attempts;

    public ModelFailure(String kind, String message, Throwable cause) {
        this(kind, message, cause, List.of());
    }

    public ModelFailure(String kind, String message, Throwable cause, List<Attempt> attempts) {
        super(message, cause);
        this.kind = kind;
        this.attempts = List.copyOf(attempts);
    }

    /**
     * auth, not_found, rate_limit, server, timeout, connection, invalid_request, interrupted, deadline,
     * breaker_open or other.
     */
    public String kind() {
        return kind;
    }

    public List<Attempt> attempts() {
        return attempts;
    }

    /** Worth trying another provider: the problem is this provider, not the request or the beat. */
    public boolean fallbackMayHelp() {
        return !kind.equals("invalid_request") && !kind.equals("interrupted") && !kind.equals("deadline");
    }
}
