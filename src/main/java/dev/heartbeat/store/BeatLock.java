package dev.heartbeat.store;

/** The lock one beat of an agent holds while it runs; closing it lets the next beat go. */
public interface BeatLock extends AutoCloseable {
    /**
     * Whether this beat still holds the lock: checked before every side effect. False once a cut-off node's
     * session ended on the server (another node may hold the lock by now).
     */
    boolean held();

    @Override
    void close();
}
