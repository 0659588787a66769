package dev.heartbeat.model;

import io.github.resilience4j.retry.internal.RetryImpl;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Routes resilience4j's waits between retries to the {@link Sleeper} of the call on this thread.
 * resilience4j sleeps through one process-wide hook; without a sleeper set it sleeps for real.
 */
final class RetrySleep {
    private static final ThreadLocal<Sleeper> CURRENT = new ThreadLocal<>();

    static {
        RetryImpl.setSleepFunction(millis -> {
            Sleeper s = CURRENT.get();
            (s != null ? s : Sleeper.SYSTEM).sleep(Duration.ofMillis(millis));
        });
    }

    private RetrySleep() {}

    /** Runs {@code call} with its retry waits going to {@code sleeper}. */
    static <T> T with(Sleeper sleeper, Supplier<T> call) {
        Sleeper before = CURRENT.get();
        CURRENT.set(sleeper);
        try {
            return call.get();
        } finally {
            if (before == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(before);
            }
        }
    }
}
