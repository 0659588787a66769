package dev.heartbeat.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What the HTTP layer needs to know about the model call running on this thread (its deadline) and
 * what it reports back (every attempt). LangChain4j calls the HTTP client on the caller's thread.
 */
final class CallContext {
    private static final ThreadLocal<CallContext> CURRENT = new ThreadLocal<>();

    final @Nullable Instant deadline;
    final List<Attempt> attempts = new ArrayList<>();

    private CallContext(@Nullable Instant deadline) {
        this.deadline = deadline;
    }

    static CallContext open(@Nullable Instant deadline) {
        CallContext c = new CallContext(deadline);
        CURRENT.set(c);
        return c;
    }

    static CallContext current() {
        return CURRENT.get();
    }

    static void close() {
        CURRENT.remove();
    }
}
