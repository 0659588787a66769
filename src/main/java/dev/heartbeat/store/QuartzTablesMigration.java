package dev.heartbeat.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.Context;
import org.flywaydb.core.api.migration.JavaMigration;
import org.jspecify.annotations.Nullable;

/**
 * Creates the tables of Quartz's clustered JDBC job store, from the DDL the Quartz jar ships
 * ({@code tables_postgres.sql}), so the schema always matches the Quartz version we run. The
 * script's DROP statements are left out: this migration creates, it never removes.
 */
final class QuartzTablesMigration implements JavaMigration {
    static final String SCRIPT = "org/quartz/impl/jdbcjobstore/tables_postgres.sql";

    @Override
    public MigrationVersion getVersion() {
        return MigrationVersion.fromVersion("7");
    }

    @Override
    public String getDescription() {
        return "quartz cluster tables";
    }

    @Override
    public @Nullable Integer getChecksum() {
        return null;
    }

    @Override
    public boolean canExecuteInTransaction() {
        return true;
    }

    @Override
    public void migrate(Context context) throws Exception {
        try (Statement s = context.getConnection().createStatement()) {
            for (String sql : statements(script())) {
                s.execute(sql);
            }
        }
    }

    static String script() throws IOException {
        try (InputStream in = QuartzTablesMigration.class.getClassLoader().getResourceAsStream(SCRIPT)) {
            if (in == null) {
                throw new IOException(SCRIPT + " is missing from the classpath (the Quartz jar)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The script's CREATE statements: comments, DROPs and its closing COMMIT left out. */
    static List<String> statements(String script) {
        StringBuilder text = new StringBuilder();
        for (String line : script.split("\n")) {
            if (!line.strip().startsWith("--")) {
                text.append(line).append('\n');
            }
        }
        List<String> out = new ArrayList<>();
        for (String statement : text.toString().split(";")) {
            String sql = statement.strip();
            String head = sql.toUpperCase(Locale.ROOT);
            if (!sql.isEmpty() && !head.startsWith("DROP ") && !head.equals("COMMIT")) {
                out.add(sql);
            }
        }
        return out;
    }
}
