package dev.heartbeat.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.flywaydb.core.api.migration.JavaMigration;

/**
 * Whether a database already has this release's schema, read in one query: then opening it needs no Flyway
 * (loading it and scanning the migrations was about a tenth of a cold start). Anything else — a table
 * missing, a migration to apply, a checksum that differs, a failed one — goes to Flyway, which migrates or
 * refuses as before.
 */
final class Migrations {
    /**
     * The checksum Flyway gives each released SQL migration (pinned by MigrationsTest): a new migration is
     * added here when it is released; until then every start runs Flyway, which is only slower.
     */
    static final Map<String, Integer> RELEASED = Map.ofEntries(
            Map.entry("1", 661558603),
            Map.entry("2", 1336690773),
            Map.entry("3", 754857223),
            Map.entry("4", 346819186),
            Map.entry("5", -487570080),
            Map.entry("6", 85220683),
            Map.entry("8", -842477214),
            Map.entry("9", -1003898999),
            Map.entry("10", -1477055650),
            Map.entry("11", 2132836576),
            Map.entry("12", -233086155),
            Map.entry("13", -1645242051),
            Map.entry("14", -1097740855),
            Map.entry("15", 509630722));

    private Migrations() {}

    /** True when the applied migrations are exactly the released ones and {@code java}, all successful. */
    static boolean current(Connection c, List<JavaMigration> java) {
        Map<String, Integer> sql = new HashMap<>();
        Set<String> javaApplied = new HashSet<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT version, checksum, success FROM flyway_schema_history WHERE version IS NOT NULL")) {
            while (rs.next()) {
                if (!rs.getBoolean(3)) {
                    return false;
                }
                int checksum = rs.getInt(2);
                if (rs.wasNull()) {
                    javaApplied.add(rs.getString(1));
                } else {
                    sql.put(rs.getString(1), checksum);
                }
            }
        } catch (SQLException e) {
            return false; // no history table yet: a new database
        }
        Set<String> javaReleased = new HashSet<>();
        java.forEach(m -> javaReleased.add(m.getVersion().getVersion()));
        return sql.equals(RELEASED) && javaApplied.equals(javaReleased);
    }
}
