package dev.heartbeat.cli;

import dev.heartbeat.config.AgentConfig;
import dev.heartbeat.store.Store;
import dev.heartbeat.support.Host;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pause} and {@code resume}: the kill switch. A single node's is a PAUSE file in its state folder;
 * with a shared (PostgreSQL) store it is a row in the store, so it stops the agent on every node.
 */
final class PauseCommand {
    private PauseCommand() {}

    @Command(
            name = "pause",
            mixinStandardHelpOptions = true,
            description = {
                "Stop the agent acting: every beat is skipped with reason 'paused' (and recorded) until 'resume'. "
                        + "Works on a running daemon at once. With SQLite it is a file (PAUSE in the state folder), so "
                        + "'touch' works too; with PostgreSQL it is kept in the database and stops every node."
            })
    static final class Pause implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--reason", paramLabel = "TEXT", description = "why, shown in every skipped decision")
        String reason;

        @Override
        public Integer call() throws IOException {
            Main main = Main.root(spec);
            AgentConfig config = main.inspectionConfig();
            String where;
            if (config.storage().postgres()) {
                try (Store store = main.writeStore(config)) {
                    store.control()
                            .setPause(
                                    config.agent().name(), reason, System.getProperty("user.name") + "@" + Host.name());
                }
                where = "on every node of " + config.storage().url();
            } else {
                Path file = config.pauseFile();
                Files.createDirectories(file.getParent());
                Files.writeString(file, (reason == null ? "" : reason) + "\n", StandardCharsets.UTF_8);
                where = file.toString();
            }
            main.out()
                    .println("paused at " + OffsetDateTime.now(main.clock).truncatedTo(ChronoUnit.SECONDS)
                            + ": beats are skipped until 'heartbeat-agent resume' (" + where + ")");
            main.out().flush();
            return 0;
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Undo 'pause': beats run again.")
    static final class Resume implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            Main main = Main.root(spec);
            AgentConfig config = main.inspectionConfig();
            boolean was = Files.deleteIfExists(config.pauseFile());
            if (config.storage().postgres()) {
                try (Store store = main.writeStore(config)) {
                    was |= store.control().clearPause(config.agent().name());
                }
            }
            main.out().println(was ? "resumed: the next beat runs" : "not paused; nothing to do");
            main.out().flush();
            return 0;
        }
    }
}
