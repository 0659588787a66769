package dev.heartbeat.store;

import dev.heartbeat.support.Causes;
import org.jspecify.annotations.Nullable;

/** The store could not be opened or read: a missing, locked or corrupt database. */
public final class StoreException extends RuntimeException {
    private final boolean notCreated;

    public StoreException(String message, @Nullable Throwable cause) {
        super(message, cause);
        this.notCreated = false;
    }

    public StoreException(String message) {
        this(message, false);
    }

    private StoreException(String message, boolean notCreated) {
        super(message);
        this.notCreated = notCreated;
    }

    /** The database is not there yet (no file, or a server database without our tables): the first beat makes it. */
    static StoreException notCreated(String message) {
        return new StoreException(message, true);
    }

    public boolean notCreated() {
        return notCreated;
    }

    /** What the innermost cause says (a driver wraps what the database or the network said). */
    static String rootMessage(Throwable e) {
        Throwable t = Causes.root(e);
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }
}
