package dev.heartbeat.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wake signals on PostgreSQL: a request does {@code NOTIFY heartbeat_wake} in its transaction, and every node
 * {@code LISTEN}s on a connection of its own, outside the pool, waiting on the socket rather than querying. A
 * lost connection is opened again (1 s, doubling to 30 s); meanwhile the daemon's slow poll takes the requests.
 */
final class PostgresWakeSignals implements WakeSignals {
    static final String CHANNEL = "heartbeat_wake";
    private static final Logger LOG = LoggerFactory.getLogger(PostgresWakeSignals.class);

    private final PostgresDatabase db;
    private final Runnable onWake;
    private final Thread thread;
    private volatile boolean closed;
    private volatile @Nullable Connection connection;

    private PostgresWakeSignals(PostgresDatabase db, Runnable onWake) {
        this.db = db;
        this.onWake = onWake;
        this.thread = new Thread(this::run, "wake-signals");
        thread.setDaemon(true);
    }

    /** Listens from now on: the first LISTEN is in place when this returns, so no request stored after is missed. */
    static WakeSignals listen(PostgresDatabase db, Runnable onWake) throws SQLException {
        PostgresWakeSignals signals = new PostgresWakeSignals(db, onWake);
        signals.connection = signals.connect();
        signals.thread.start();
        return signals;
    }

    private Connection connect() throws SQLException {
        Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
        try (Statement s = c.createStatement()) {
            s.execute("LISTEN " + CHANNEL);
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    private void run() {
        Duration wait = Duration.ofSeconds(1);
        while (!closed) {
            try {
                Connection c = connection;
                if (c == null) {
                    c = connect();
                    connection = c;
                    wait = Duration.ofSeconds(1);
                    // Requests stored while the connection was down: the callback takes whatever is open.
                    onWake.run();
                }
                // Waits on the socket; once a minute with nothing heard, a check that the server is still there
                // (a connection cut without a word would otherwise wait for ever).
                PGNotification[] got = c.unwrap(PGConnection.class).getNotifications(60_000);
                if (got != null && got.length > 0) {
                    onWake.run();
                } else if (!closed && !c.isValid(10)) {
                    throw new SQLException("the connection to the database was lost");
                }
            } catch (SQLException | RuntimeException e) {
                if (closed) {
                    return;
                }
                LOG.warn(
                        "listening for wake requests failed ({}); again in {} s, the daemon's poll takes them meanwhile",
                        e.getMessage(),
                        wait.toSeconds());
                closeConnection();
                try {
                    Thread.sleep(wait.toMillis());
                } catch (InterruptedException interrupted) {
                    return;
                }
                wait = wait.multipliedBy(2).compareTo(Duration.ofSeconds(30)) > 0
                        ? Duration.ofSeconds(30)
                        : wait.multipliedBy(2);
            }
        }
    }

    private void closeConnection() {
        Connection c = connection;
        connection = null;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                LOG.debug("closing the wake connection: {}", e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        closeConnection();
        thread.interrupt();
    }
}
