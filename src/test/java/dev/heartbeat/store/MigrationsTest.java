package dev.heartbeat.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared migrations on SQLite, databases made before the id placeholder, and Quartz's DDL. */
class MigrationsTest {
    @TempDir
    Path dir;

    private Map<String, Integer> checksums(Path db) throws Exception {
        Map<String, Integer> out = new HashMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT version, checksum FROM flyway_schema_history WHERE version IS NOT NULL")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getInt(2));
            }
        }
        return out;
    }

    /** Flyway checksums the text; the respelling table must match what Flyway computes for today's files. */
    @Test
    void aDatabaseMigratedBeforeThePlaceholderStillOpens() throws Exception {
        Path db = dir.resolve("heartbeat.db");
        Store.open(db, Clock.systemUTC()).close();
        Map<String, Integer> fresh = checksums(db);
        SqliteDatabase.RESPELLED.forEach((version, sums) -> assertThat(fresh.get(version)).isEqualTo(sums[1]));

        // As an earlier release left it: the same schema, the old text's checksums.
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            for (Map.Entry<String, int[]> e : SqliteDatabase.RESPELLED.entrySet()) {
                s.executeUpdate("UPDATE flyway_schema_history SET checksum = " + e.getValue()[0] + " WHERE version = '"
                        + e.getKey() + "'");
            }
        }
        try (Store store = Store.open(db, Clock.systemUTC())) {
            store.ensureSession("s");
        }
        assertThat(checksums(db)).isEqualTo(fresh);
    }

    /**
     * Released migrations are frozen: Flyway refuses a database whose applied migrations changed text, so
     * a released file is never edited (a change is a new migration). These are the checksums as released.
     */
    static final Map<String, Integer> RELEASED = Map.of(
            "1", 661558603, "2", 1336690773, "3", 754857223, "4", 346819186, "5", -487570080, "6", 85220683,
            "8", -842477214, "9", -1003898999);

    @Test
    void releasedMigrationsAreFrozen() throws Exception {
        Map<String, Integer> resolved = new HashMap<>();
        for (var info : org.flywaydb.core.Flyway.configure()
                .dataSource("jdbc:sqlite:" + dir.resolve("pin.db"), null, null)
                .locations("classpath:db/migration").placeholders(new SqliteDatabase(dir.resolve("pin.db")).placeholders())
                .load().info().all()) {
            resolved.put(info.getVersion().getVersion(), info.getChecksum());
        }
        assertThat(resolved).isEqualTo(RELEASED);
    }

    @Test
    void theQuartzJavaMigrationsVersionIsNeverTakenBySqlOne() throws Exception {
        String javaVersion = new QuartzTablesMigration().getVersion().getVersion();
        try (var files = java.nio.file.Files.list(Path.of("src/main/resources/db/migration"))) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .noneMatch(name -> name.startsWith("V" + javaVersion + "__") || name.startsWith("V" + javaVersion + "."));
        }
    }

    @Test
    void quartzsTablesComeFromItsOwnScriptWithoutTheDrops() throws Exception {
        List<String> statements = QuartzTablesMigration.statements(QuartzTablesMigration.script());
        assertThat(statements).anySatisfy(sql -> assertThat(sql).startsWith("CREATE TABLE QRTZ_LOCKS"));
        assertThat(statements).anySatisfy(sql -> assertThat(sql).startsWith("CREATE TABLE QRTZ_SCHEDULER_STATE"));
        assertThat(statements).noneSatisfy(sql -> assertThat(sql.toUpperCase()).startsWith("DROP"));
        assertThat(statements).noneSatisfy(sql -> assertThat(sql.toUpperCase()).isEqualTo("COMMIT"));
        assertThat(statements).allSatisfy(sql -> assertThat(sql).doesNotContain("--"));
    }
}
