package dev.heartbeat.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A commit (an intent above all) is synced to the disk before the side effect it allows starts. */
class DurabilityTest {
    @TempDir
    Path dir;

    @Test
    void theWritersConnectionSyncsEveryCommit() throws Exception {
        SqliteDatabase db = new SqliteDatabase(dir.resolve("hb.db"));
        try (Store store = Store.open(db, Clock.systemUTC())) {
            Database.Connections connections = db.connect(false);
            try {
                Connection c = connections.borrow();
                try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("PRAGMA synchronous")) {
                    rs.next();
                    assertThat(rs.getInt(1))
                            .as("2 = FULL: the WAL is synced at every commit")
                            .isEqualTo(2);
                }
            } finally {
                connections.close();
            }
        }
    }
}
