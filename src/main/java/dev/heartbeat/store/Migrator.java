package dev.heartbeat.store;

/** Brings a database to this release's schema somewhere other than the process that opens it (see Store.open). */
@FunctionalInterface
public interface Migrator {
    /** Returns when {@code db} is migrated; throws, saying why, when it could not be. */
    void migrate(Database db);
}
