package dev.heartbeat.model.openai;

/**
 * Thrown from deep in a request or an answer to give it up to LangChain4j's own mapper; carries no stack (it is
 * not an error, and it is never seen outside this package).
 */
final class Decline extends RuntimeException {
    private static final long serialVersionUID = 1L;
    static final Decline INSTANCE = new Decline();

    private Decline() {
        super(null, null, false, false);
    }
}
