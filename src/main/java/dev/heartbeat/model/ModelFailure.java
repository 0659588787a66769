package dev.heartbeat.model;

import dev.heartbeat.transcript.Reasoning;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** The model could not be asked or did not answer; the message says why and what to check. */
public final class ModelFailure extends RuntimeException {
    private final FailureKind kind;
    private final List<Attempt> attempts;
    private @Nullable Rejected rejected;

    /**
     * The part of the history a provider refused with a 400 that names it ({@code messages.N.content.M}):
     * {@code message} indexes the messages the call was asked with, {@code block} is the reasoning block at
     * that position when it is one, {@code error} the provider's own sentence.
     */
    public record Rejected(int message, @Nullable Reasoning block, String error) {}

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

    /** Marks this failure as the provider refusing that part of the history. */
    ModelFailure rejecting(Rejected part) {
        this.rejected = part;
        return this;
    }

    /** What the provider refused, when it named a part of the history (here or in a failure this wraps). */
    public Optional<Rejected> rejected() {
        for (Throwable t = this; t != null; t = t.getCause()) {
            if (t instanceof ModelFailure f && f.rejected != null) {
                return Optional.of(f.rejected);
            }
        }
        return Optional.empty();
    }

    /** Never null: every failure says what went wrong. */
    @Override
    public String getMessage() {
        return String.valueOf(super.getMessage());
    }
}
