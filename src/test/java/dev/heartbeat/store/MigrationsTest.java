package dev.heartbeat.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.Assertions;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared migrations on SQLite, databases made before the id placeholder, and Quartz's DDL. */
class MigrationsTest {
    @TempDir
    Path dir;

    private Map<String, Integer> checksums(Path db) throws Exception {
        Map<String, Integer> out = new HashMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT version, checksum FROM flyway_schema_history WHERE version IS NOT NULL")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getInt(2));
            }
        }
        return out;
    }

    /**
     * A database whose applied migration no longer matches the released text is refused with the version
     * named; nothing rewrites its recorded checksums to make it fit (that would hide an edited migration).
     */
    @Test
    void aDatabaseWhoseAppliedMigrationDiffersIsRefusedNotPatched() throws Exception {
        Path db = dir.resolve("heartbeat.db");
        Store.open(db, Clock.systemUTC()).close();
        Map<String, Integer> fresh = checksums(db);
        // The checksum V1 had in a development build before the first release.
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE flyway_schema_history SET checksum = 1119044668 WHERE version = '1'");
        }
        Assertions.assertThatThrownBy(() -> Store.open(db, Clock.systemUTC()))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("cannot prepare the database")
                .hasMessageContaining("checksum mismatch")
                .hasMessageContaining("version 1")
                .hasMessageContaining("Nothing was changed");
        assertThat(checksums(db).get("1")).isEqualTo(1119044668);
        assertThat(checksums(db)).hasSameSizeAs(fresh);
    }

    /**
     * Released migrations are frozen: Flyway refuses a database whose applied migrations changed text, so
     * a released file is never edited (a change is a new migration). These are the checksums as released.
     */
    /** Released migrations are frozen: the checksums the store's start-up check trusts are Flyway's own. */
    static final Map<String, Integer> RELEASED = Migrations.RELEASED;

    @Test
    void releasedMigrationsAreFrozen() throws Exception {
        Map<String, Integer> resolved = new HashMap<>();
        for (var info : Flyway.configure()
                .dataSource("jdbc:sqlite:" + dir.resolve("pin.db"), null, null)
                .locations("classpath:db/migration")
                .placeholders(new SqliteDatabase(dir.resolve("pin.db")).placeholders())
                .load()
                .info()
                .all()) {
            resolved.put(info.getVersion().getVersion(), info.getChecksum());
        }
        assertThat(resolved).isEqualTo(RELEASED);
    }

    @Test
    void theQuartzJavaMigrationsVersionIsNeverTakenBySqlOne() throws Exception {
        String javaVersion = new QuartzTablesMigration().getVersion().getVersion();
        try (var files = Files.list(Path.of("src/main/resources/db/migration"))) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .noneMatch(name ->
                            name.startsWith("V" + javaVersion + "__") || name.startsWith("V" + javaVersion + "."));
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
