package dev.heartbeat.store;

/**
 * A daemon's ear for wake requests: told the moment another process stores one, instead of asking the store every
 * second. Closing it stops listening; until then it calls back on a thread of its own.
 */
public interface WakeSignals extends AutoCloseable {
    @Override
    void close();
}
