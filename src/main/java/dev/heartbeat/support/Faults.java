package dev.heartbeat.support;

import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Named crash points for the fault-injection tests: with {@code HB_FAULT=name} (or {@code name:n}, the
 * n-th time) in the environment, the process halts at that point as abruptly as {@code kill -9}: no
 * shutdown hooks, no finally blocks, no commit. Without the variable every point is a no-op.
 */
public final class Faults {
    private static final @Nullable String SPEC = System.getenv("HB_FAULT");
    private static final @Nullable String NAME = SPEC == null ? null : SPEC.split(":")[0];
    private static final int NTH = SPEC != null && SPEC.contains(":") ? Integer.parseInt(SPEC.split(":")[1]) : 1;
    private static final AtomicInteger SEEN = new AtomicInteger();

    private Faults() {}

    public static void point(String name) {
        if (name.equals(NAME) && SEEN.incrementAndGet() == NTH) {
            System.err.println("fault injected at " + name);
            System.err.flush();
            Runtime.getRuntime().halt(137);
        }
    }
}
