package dev.heartbeat.model;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** The model could not be asked or did not answer; the message says why and what to check. */
public final class ModelFailure extends RuntimeException {
    private final FailureKind kind;
    private final List<Attempt> attempts;

    public ModelFailure(FailureKind kind, String message, @Nullable Throwable cause) {
        this(kind, message, cause, List.of());
    }

    public ModelFailure(FailureKind kind, String message, @Nullable Throwable cause, List<Attempt> attempts) {
        super(message, cause);
        this.kind = kind;
        this.attempts = List.copyOf(attempts);
    }

    public FailureKind kind() {
        return kind;
    }

    public List<Attempt> attempts() {
        return attempts;
    }

    /** Worth trying another provider: the problem is this provider, not the request or the beat. */
    public boolean fallbackMayHelp() {
        return kind.providerSide();
    }

    /** Never null: every failure says what went wrong. */
    @Override
    public String getMessage() {
        return String.valueOf(super.getMessage());
    }
}
