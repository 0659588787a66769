package dev.heartbeat.cli;

/**
 * A mistake in how a command was used, or something asked for that does not exist. The CLI prints the
 * message (no stack trace) and exits with {@link #exitCode()}: 2 for usage, 1 for not found.
 */
public final class UserError extends RuntimeException {
    private final int exitCode;

    private UserError(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public static UserError usage(String message) {
        return new UserError(message, 2);
    }

    public static UserError notFound(String message) {
        return new UserError(message, 1);
    }

    public int exitCode() {
        return exitCode;
    }
}
