package dev.heartbeat.store;

/** The store could not be opened or read: a missing, locked or corrupt database. */
public final class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreException(String message) {
        super(message);
    }
}
