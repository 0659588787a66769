package dev.heartbeat.daemon;

import com.zaxxer.hikari.HikariDataSource;
import dev.heartbeat.store.PostgresDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import org.jspecify.annotations.Nullable;
import org.quartz.utils.ConnectionProvider;

/** The clustered job store's connections: a HikariCP pool of its own, closed when the scheduler shuts down. */
final class QuartzConnections implements ConnectionProvider {
    private final PostgresDatabase database;
    private @Nullable HikariDataSource pool;

    QuartzConnections(PostgresDatabase database) {
        this.database = database;
    }

    @Override
    public void initialize() {
        pool();
    }

    private synchronized HikariDataSource pool() {
        if (pool == null) {
            // Quartz's two worker threads, its scheduler thread and the cluster manager's check-ins.
            pool = database.pool("heartbeat-quartz", 5, false);
        }
        return pool;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return pool().getConnection();
    }

    @Override
    public synchronized void shutdown() {
        if (pool != null) {
            pool.close();
            pool = null;
        }
    }
}
