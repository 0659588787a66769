package dev.heartbeat.daemon;

import dev.heartbeat.store.Database;
import dev.heartbeat.store.Migrator;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's migration in a process of its own, for a daemon that finds its store not at this release's schema (a
 * new store, or a release with a new migration). Flyway's ~420 classes, once loaded, stay loaded for the life of
 * the process (with the heap the migration grew): a daemon that migrated in-process idled at 71 MB, the same daemon
 * restarted on its store at 62, until its next restart. The child ({@code command}: this program's {@code migrate} on the same configuration) exits
 * when done, and the daemon opens a store that needs nothing more.
 *
 * @param command the child's command line
 * @param environment the child's whole environment (the daemon's, so {@code ${VAR}} in the configuration expands
 *     alike)
 */
public record MigrationProcess(List<String> command, Map<String, String> environment) implements Migrator {
    private static final Logger LOG = LoggerFactory.getLogger(MigrationProcess.class);
    /** The child's lines the daemon logs at most: its output is ours, bounded all the same. */
    private static final int MAX_LINES = 200;

    public MigrationProcess {
        command = List.copyOf(command);
        environment = Map.copyOf(environment);
    }

    /** The command only: the environment holds the daemon's secrets. */
    @Override
    public String toString() {
        return "MigrationProcess" + command;
    }

    @Override
    public void migrate(Database db) {
        LOG.info("the store {} is not at this release's schema: migrating it in a process of its own", db.describe());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(environment);
        // The child is not the service: only the daemon tells systemd it is ready.
        builder.environment().remove("NOTIFY_SOCKET");
        Process child;
        try {
            child = builder.start();
        } catch (IOException e) {
            // Only dearer in memory: the store then migrates in this process.
            LOG.warn("cannot start the store's migration ({}): migrating it in this process", e.getMessage());
            return;
        }
        String last = "";
        int lines = 0;
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (!line.isBlank()) {
                    last = line;
                }
                if (++lines <= MAX_LINES) {
                    LOG.info("migration (pid {}): {}", child.pid(), line);
                }
            }
            int exit = child.waitFor();
            if (exit != 0) {
                // The child's last line is its error ("error: cannot prepare the database ...").
                throw new DaemonException(
                        "the store's migration failed (exit " + exit + "): "
                                + (last.startsWith("error: ") ? last.substring("error: ".length()) : last),
                        exit == 2 ? 2 : 1);
            }
        } catch (IOException e) {
            child.destroyForcibly();
            throw new DaemonException("cannot read the store's migration's output: " + e.getMessage(), 1);
        } catch (InterruptedException e) {
            child.destroy();
            Thread.currentThread().interrupt();
            throw new DaemonException("interrupted while the store was being migrated", 1);
        }
    }
}
