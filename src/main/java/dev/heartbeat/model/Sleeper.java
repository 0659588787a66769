package dev.heartbeat.model;

import java.time.Duration;

/** Waits; injected so backoff is tested by moving a clock instead of sleeping. */
@FunctionalInterface
public interface Sleeper {
    Sleeper SYSTEM = d -> Thread.sleep(d.toMillis());

    void sleep(Duration duration) throws InterruptedException;
}
