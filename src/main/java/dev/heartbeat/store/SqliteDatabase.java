package dev.heartbeat.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.flywaydb.core.api.migration.JavaMigration;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The embedded default: one SQLite file in WAL mode, one connection per process. {@code durable}: every
 * commit is synced to the disk ({@code synchronous=FULL}); off only to measure what that costs.
 */
public record SqliteDatabase(Path file, boolean durable) implements Database {
    public SqliteDatabase(Path file) {
        this(file, true);
    }

    @Override
    public String describe() {
        return file.toString();
    }

    @Override
    public boolean exists() {
        return Files.isRegularFile(file);
    }

    @Override
    public Connections connect(boolean readOnly) {
        if (!readOnly) {
            try {
                Path parent = file.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
            } catch (IOException e) {
                throw new StoreException("cannot create the folder for " + file + ": " + e.getMessage(), e);
            }
        }
        Path folder = file.toAbsolutePath().getParent();
        if (folder != null) {
            SqliteNative.prepare(folder);
        }
        SQLiteDataSource dataSource = new SQLiteDataSource(settings(readOnly));
        dataSource.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
        Path shm = file.resolveSibling(file.getFileName() + "-shm");
        if (readOnly && folder != null && !Files.isWritable(folder) && !Files.exists(shm)) {
            // A reader of a WAL database must create its -shm file beside it; where it may not write (an
            // operator's read-only view, a backup), no writer can be running either: read the file as it stands.
            dataSource.setUrl("jdbc:sqlite:file:" + file.toAbsolutePath() + "?immutable=1");
        }
        return new Connections() {
            private @Nullable Connection connection;
            /** One connection, one thread at a time: held from borrow to give-back (reentrant for nested work). */
            private final ReentrantLock inUse = new ReentrantLock();

            @Override
            public DataSource dataSource() {
                return dataSource;
            }

            @Override
            public Connection borrow() throws SQLException {
                inUse.lock();
                try {
                    if (connection == null) {
                        connection = dataSource.getConnection();
                    }
                    return connection;
                } catch (SQLException | RuntimeException e) {
                    inUse.unlock();
                    throw e;
                }
            }

            @Override
            public void giveBack(Connection c) {
                // Kept open (SQLite connections are cheap to keep and costly to reopen: WAL, pragmas); handed on.
                inUse.unlock();
            }

            @Override
            public void close() {
                try {
                    if (connection != null) {
                        connection.close();
                    }
                } catch (SQLException e) {
                    throw new StoreException("closing " + file + " failed: " + e.getMessage(), e);
                }
            }
        };
    }

    private SQLiteConfig settings(boolean readOnly) {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(10_000);
        config.enforceForeignKeys(true);
        if (readOnly) {
            config.setReadOnly(true);
        } else {
            config.setJournalMode(SQLiteConfig.JournalMode.WAL);
            // FULL: every commit (an intent above all) is on disk before the side effect it allows starts.
            // With WAL it costs one fsync of the log per commit (DurabilityBench measures it).
            config.setSynchronous(durable ? SQLiteConfig.SynchronousMode.FULL : SQLiteConfig.SynchronousMode.NORMAL);
            // Writers queue for the lock at BEGIN instead of failing with SQLITE_BUSY_SNAPSHOT later.
            config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        }
        return config;
    }

    /**
     * {@code PRAGMA quick_check} on a read-only connection, before the writer opens the file: a damaged page
     * is found before a beat writes half its rows. About 40 ms for a 25 MB file.
     */
    @Override
    public void checkIntact() {
        if (!Files.isRegularFile(file)) {
            return;
        }
        Connections reader = connect(true);
        try {
            Connection c = reader.borrow();
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("PRAGMA quick_check(1)")) {
                String result = rs.next() ? rs.getString(1) : "no answer";
                if (!"ok".equals(result)) {
                    throw damaged(result);
                }
            }
        } catch (SQLException e) {
            throw damaged(e.getMessage());
        } finally {
            reader.close();
        }
    }

    private StoreException damaged(@Nullable String problem) {
        String why =
                problem == null ? "unreadable" : problem.lines().findFirst().orElse(problem);
        return new StoreException(
                file + " is damaged (" + why + "); nothing "
                        + "was written to it. Keep a copy, then restore a backup, or move it aside to start a new store "
                        + "(sqlite3 '.recover' can save what is intact)",
                null);
    }

    @Override
    public Map<String, String> placeholders() {
        return Map.of("id", "INTEGER PRIMARY KEY AUTOINCREMENT");
    }

    @Override
    public List<JavaMigration> extraMigrations() {
        return List.of();
    }

    @Override
    public void beginWrite(Connection c) {
        // IMMEDIATE transactions (see settings) already take the write lock at BEGIN.
    }

    /** Always held: the file lock makes this process the only writer until it dies. */
    private static final BeatLock HELD = new BeatLock() {
        @Override
        public boolean held() {
            return true;
        }

        @Override
        public void close() {
            // nothing was taken
        }
    };

    /** Touches the file beside the database that a daemon watches. */
    @Override
    public void signalWake(Connection c, String agent) throws SQLException {
        try {
            FileWakeSignals.signal(file, agent);
        } catch (IOException e) {
            // The request is stored all the same (failing here would roll it back): the daemon's poll takes it.
            LoggerFactory.getLogger(SqliteDatabase.class)
                    .warn(
                            "cannot touch {} ({}); a running daemon takes the wake request at its next poll",
                            FileWakeSignals.signalFile(file),
                            e.getMessage());
        }
    }

    @Override
    public WakeSignals listenForWakes(Runnable onWake) throws IOException {
        return FileWakeSignals.watch(file, onWake);
    }

    @Override
    public Optional<BeatLock> lockBeat(Connections connections, String agent) {
        return Optional.of(HELD);
    }

    @Override
    public boolean hasSchema(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'decisions'")) {
            return rs.next() && rs.getInt(1) > 0;
        }
    }

    @Override
    public Optional<Instant> serverTime(Connection c) {
        return Optional.empty();
    }

    @Override
    public boolean clustered() {
        return false;
    }
}
