package dev.heartbeat.daemon;

/** The daemon cannot start or run; the message says why, {@link #exitCode()} what to exit with. */
public final class DaemonException extends RuntimeException {
    private final int exitCode;

    public DaemonException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
