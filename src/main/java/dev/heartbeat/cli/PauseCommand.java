package dev.heartbeat.cli;

import dev.heartbeat.config.AgentConfig;
import dev.heartbeat.config.Fleet;
import dev.heartbeat.store.Store;
import dev.heartbeat.support.Host;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
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
                        + "'touch' works too; with PostgreSQL it is kept in the database and stops every node.",
                "With several agents, name one with --agent (its file is PAUSE.NAME) or pause them all with --all."
            })
    static final class Pause implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--reason", paramLabel = "TEXT", description = "why, shown in every skipped decision")
        String reason;

        @Option(names = "--all", description = "pause every agent of the configuration")
        boolean all;

        @Override
        public Integer call() throws IOException {
            Main main = Main.root(spec);
            Fleet fleet = main.inspectionFleet();
            List<AgentConfig> agents = all ? main.agents(fleet) : List.of(main.agent(fleet));
            AgentConfig shared = fleet.shared();
            String where;
            if (shared.storage().postgres()) {
                try (Store store = main.writeStore(shared)) {
                    for (AgentConfig agent : agents) {
                        store.control()
                                .setPause(
                                        agent.agent().name(),
                                        reason,
                                        System.getProperty("user.name") + "@" + Host.name());
                    }
                }
                where = "on every node of " + shared.storage().url();
            } else {
                List<String> files = new ArrayList<>();
                for (Path file : pauseFiles(fleet, agents)) {
                    Files.createDirectories(file.getParent());
                    Files.writeString(file, (reason == null ? "" : reason) + "\n", StandardCharsets.UTF_8);
                    files.add(file.toString());
                }
                where = String.join(", ", files);
            }
            main.out()
                    .println("paused " + names(fleet, agents) + "at "
                            + OffsetDateTime.now(main.clock).truncatedTo(ChronoUnit.SECONDS)
                            + ": beats are skipped until 'heartbeat-agent resume' (" + where + ")");
            main.out().flush();
            return 0;
        }
    }

    @Command(
            name = "resume",
            mixinStandardHelpOptions = true,
            description = {"Undo 'pause': beats run again.", "With several agents: --agent NAME, or --all."})
    static final class Resume implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--all", description = "resume every agent of the configuration")
        boolean all;

        @Override
        public Integer call() throws IOException {
            Main main = Main.root(spec);
            Fleet fleet = main.inspectionFleet();
            List<AgentConfig> agents = all ? main.agents(fleet) : List.of(main.agent(fleet));
            AgentConfig shared = fleet.shared();
            boolean was = false;
            for (AgentConfig agent : agents) {
                was |= Files.deleteIfExists(agent.agentPauseFile());
            }
            // The one agent of a file of today, or all of several, are paused by PAUSE itself.
            if (!fleet.several() || agents.size() == fleet.agents().size()) {
                was |= Files.deleteIfExists(shared.pauseFile());
            }
            if (shared.storage().postgres()) {
                try (Store store = main.writeStore(shared)) {
                    for (AgentConfig agent : agents) {
                        was |= store.control().clearPause(agent.agent().name());
                    }
                }
            }
            main.out()
                    .println(
                            was
                                    ? "resumed " + names(fleet, agents) + ": the next beat runs"
                                    : "not paused; nothing to do");
            if (Files.exists(shared.pauseFile())) {
                main.out()
                        .println(
                                "note: " + shared.pauseFile() + " still pauses every agent; 'resume --all' removes it");
            }
            main.out().flush();
            return 0;
        }
    }

    /** PAUSE for the one agent of a file of today or for all of several; PAUSE.NAME for each one named. */
    private static List<Path> pauseFiles(Fleet fleet, List<AgentConfig> agents) {
        if (!fleet.several() || agents.size() == fleet.agents().size()) {
            return List.of(fleet.shared().pauseFile());
        }
        return agents.stream().map(AgentConfig::agentPauseFile).toList();
    }

    private static String names(Fleet fleet, List<AgentConfig> agents) {
        return fleet.agents().size() == 1
                ? ""
                : String.join(", ", agents.stream().map(a -> a.agent().name()).toList()) + " ";
    }
}
