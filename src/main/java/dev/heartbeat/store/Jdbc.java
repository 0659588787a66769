package dev.heartbeat.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;

/**
 * Runs work on the store's database: a read on a connection as it comes, a write in one transaction
 * with the dialect's write lock taken first. No monitor of its own: concurrency is the database's job
 * (transactions on PostgreSQL's pool; SQLite's one connection is handed to one thread at a time by its
 * connection source), so one slow call never holds up calls that do not need the same connection.
 */
final class Jdbc implements AutoCloseable {
    /** Work on a connection. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** Work on a connection that returns nothing. */
    @FunctionalInterface
    interface Step {
        void run(Connection c) throws SQLException;
    }

    private final Database db;
    private final Database.Connections connections;
    private final Clock clock;
    private final boolean readOnly;

    Jdbc(Database db, Database.Connections connections, Clock clock, boolean readOnly) {
        this.db = db;
        this.connections = connections;
        this.clock = clock;
        this.readOnly = readOnly;
    }

    Clock clock() {
        return clock;
    }

    /** Now, in UTC: stored times are compared as text in SQL, which is only right with one offset. */
    String now() {
        return utc(OffsetDateTime.now(clock));
    }

    static String utc(OffsetDateTime t) {
        return t.toInstant().toString();
    }

    Database database() {
        return db;
    }

    Database.Connections connections() {
        return connections;
    }

    <T> T read(Work<T> work) {
        try {
            Connection c = connections.borrow();
            try {
                return work.run(c);
            } finally {
                connections.giveBack(c);
            }
        } catch (SQLException e) {
            throw new StoreException("reading " + db.describe() + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * {@link #read}, for a cursor stepped through row by row: PostgreSQL's driver streams a result only inside a
     * transaction and with a fetch size (which {@code work} sets on its statement); SQLite steps anyway. For the
     * read-only stores the inspection commands open, SQLite's transaction is a deferred one: a snapshot, no lock
     * (a writable connection's is IMMEDIATE and would hold the write lock for the whole walk).
     */
    <T> T readCursor(Work<T> work) {
        return read(c -> {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                return work.run(c);
            } finally {
                c.rollback();
                c.setAutoCommit(auto);
            }
        });
    }

    /**
     * Runs {@code work} in one transaction. Writers queue instead of failing: SQLite's transactions are
     * IMMEDIATE, and on PostgreSQL the dialect takes the write lock first.
     */
    <T> T write(Work<T> work) {
        if (readOnly) {
            throw new StoreException("the store was opened read-only");
        }
        try {
            Connection c = connections.borrow();
            try {
                c.setAutoCommit(false);
                try {
                    db.beginWrite(c);
                    T result = work.run(c);
                    c.commit();
                    return result;
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                } finally {
                    c.setAutoCommit(true);
                }
            } finally {
                connections.giveBack(c);
            }
        } catch (SQLException e) {
            throw new StoreException("writing " + db.describe() + " failed: " + e.getMessage(), e);
        }
    }

    /** {@link #write} for work that returns nothing. */
    void update(Step step) {
        write(c -> {
            step.run(c);
            return Boolean.TRUE;
        });
    }

    @Override
    public void close() {
        connections.close();
    }
}
