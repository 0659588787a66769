package dev.heartbeat.store;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.api.migration.JavaMigration;

/**
 * Where the store lives and what differs between the databases it can live in: how to connect, the
 * few words of SQL the migrations spell differently, how writers queue, and how to tell that a
 * database holds our schema. Queries themselves are the same on every database.
 */
public sealed interface Database permits SqliteDatabase, PostgresDatabase {

    /** The database as a person reads it: a file path, or a URL with no password in it. */
    String describe();

    /** Whether the database is there to be read; only a file can be missing. */
    boolean exists();

    /** Connections for a store; read-only ones never migrate and never write. */
    Connections connect(boolean readOnly);

    /** Flyway placeholders that spell dialect-specific column types in the shared migrations. */
    Map<String, String> placeholders();

    /**
     * Refuses a damaged store before anything writes to it (a beat on it would fail halfway and change the
     * file); a no-op where the server keeps its own files whole.
     */
    default void checkIntact() {}

    /** Migrations only this database has (the clustered scheduler's tables on PostgreSQL). */
    List<JavaMigration> extraMigrations();

    /**
     * Called first in every write transaction. SQLite's IMMEDIATE transactions already queue writers;
     * PostgreSQL takes a transaction-scoped advisory lock, so the read-then-write steps (the hash
     * chain's last link, the next revision) stay serial across every node that shares the database.
     */
    void beginWrite(Connection c) throws SQLException;

    /**
     * Takes the lock only one beat of an agent holds at a time, or returns empty when another beat holds it.
     * On SQLite a lock that is always held: the file lock already makes one daemon the only writer, and no
     * connection is kept for it. On PostgreSQL a session advisory lock on a connection of its own, which
     * stays with the beat: the server releases it the moment that connection dies (a killed node), and it
     * is held as long as a slow but living node runs.
     */
    Optional<BeatLock> lockBeat(Connections connections, String agent) throws SQLException;

    /**
     * Tells waiting daemons that a wake request for {@code agent} was stored, in the request's transaction: a
     * notification at commit on PostgreSQL, a touched file beside a SQLite database.
     */
    void signalWake(Connection c, String agent) throws SQLException;

    /** Calls {@code onWake} (on a thread of its own) each time a wake request is signalled, until closed. */
    WakeSignals listenForWakes(Runnable onWake) throws SQLException, IOException;

    /** Whether the connected database has our tables. */
    boolean hasSchema(Connection c) throws SQLException;

    /** The database server's clock, where there is a server to ask (never for a file). */
    Optional<Instant> serverTime(Connection c) throws SQLException;

    /** True when several daemons may share this database (a Quartz cluster); false for a file. */
    boolean clustered();

    /** A source of connections: one kept open for a file, a pool for a server. */
    interface Connections extends AutoCloseable {
        DataSource dataSource();

        Connection borrow() throws SQLException;

        void giveBack(Connection c) throws SQLException;

        @Override
        void close();
    }
}
