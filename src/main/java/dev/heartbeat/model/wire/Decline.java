package dev.heartbeat.model.wire;

/**
 * Thrown from deep in a request or an answer to give it up to LangChain4j's own mapper; carries no stack (it is
 * not an error, and it is never seen outside the lean clients).
 */
public final class Decline extends RuntimeException {
    private static final long serialVersionUID = 1L;
    public static final Decline INSTANCE = new Decline();

    private Decline() {
        super(null, null, false, false);
    }
}
