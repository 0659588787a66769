package dev.heartbeat.cli;

import dev.heartbeat.config.AgentConfig;
import dev.heartbeat.store.SessionArchive;
import dev.heartbeat.store.Store;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sessions prune}: move old turns out of the store into a compressed archive. */
@Command(
        name = "prune",
        mixinStandardHelpOptions = true,
        description = {
            "Remove a session's turns older than a duration, and the superseded revisions repairs left, after "
                    + "writing them to a compressed archive (JSON lines, gzip). Whole turns only, and never the newest "
                    + "--keep-turns turns, so the history stays valid and the agent keeps its recent context."
        })
final class SessionsPrune implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "the session")
    String name;

    @Option(
            names = "--older-than",
            paramLabel = "DURATION",
            required = true,
            description = "prune turns older " + "than this, such as 30d")
    String olderThan;

    @Option(
            names = "--keep-turns",
            paramLabel = "N",
            defaultValue = "20",
            description = "newest turns never pruned " + "(default: ${DEFAULT-VALUE})")
    int keepTurns;

    @Option(
            names = "--archive-dir",
            paramLabel = "DIR",
            description = "where the archive goes (default: an " + "'archive' folder beside the database)")
    Path archiveDir;

    @Option(names = "--dry-run", description = "say what would be pruned; write nothing")
    boolean dryRun;

    @Override
    public Integer call() throws IOException {
        Main main = Main.root(spec);
        OffsetDateTime cutoff = main.ago("--older-than", olderThan);
        if (keepTurns < 1) {
            throw UserError.usage("--keep-turns must be at least 1: the newest turns are never pruned");
        }
        AgentConfig config = main.inspectionConfig();
        PrintWriter out = main.out();
        try (Store store = dryRun ? main.readStore(config) : main.writeStore(config)) {
            int revision = Main.session(store, name).revision();
            Path dir = archiveDir != null
                    ? archiveDir
                    : config.stateDir().toAbsolutePath().resolve("archive");
            SessionArchive.Result r = SessionArchive.prune(
                    store, name, revision, cutoff, keepTurns, dir, OffsetDateTime.now(main.clock), dryRun);
            if (r.nothing()) {
                out.println(name + ": nothing older than " + olderThan + " to prune (the newest " + keepTurns
                        + " turns are always kept)");
            } else if (dryRun) {
                out.println(name + ": would archive and remove " + r.pruned() + " message(s) older than " + olderThan
                        + " and " + r.superseded() + " superseded; " + r.kept() + " kept");
            } else {
                out.println(name + ": archived " + (r.pruned() + r.superseded()) + " message(s) to " + r.archive()
                        + "; removed " + r.removed() + " from the store; " + r.kept() + " kept");
            }
            out.flush();
        }
        return 0;
    }
}
