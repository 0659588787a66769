package dev.heartbeat.tools;

/**
 * A tool could not do what was asked. The message goes back to the model as the tool result, so it
 * says what went wrong and what would work instead. {@code refused} marks a policy refusal.
 */
public final class ToolFailure extends Exception {
    private final boolean refused;

    private ToolFailure(String message, boolean refused) {
        super(message);
        this.refused = refused;
    }

    public static ToolFailure error(String message) {
        return new ToolFailure(message, false);
    }

    public static ToolFailure refused(String message) {
        return new ToolFailure(message, true);
    }

    public boolean refused() {
        return refused;
    }

    /** Never null: the model reads it as the call's result. */
    @Override
    public String getMessage() {
        return String.valueOf(super.getMessage());
    }
}
