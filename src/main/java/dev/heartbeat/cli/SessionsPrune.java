package dev.heartbeat.cli;

import dev.heartbeat.audit.Json;
import dev.heartbeat.config.AgentConfig;
import dev.heartbeat.store.Store;
import dev.heartbeat.transcript.StoredMessage;
import dev.heartbeat.transcript.UserMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.zip.GZIPOutputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sessions prune}: move old turns out of the store into a compressed archive. */
@Command(name = "prune", mixinStandardHelpOptions = true, description = {
        "Remove a session's turns older than a duration, and the superseded revisions repairs left, after "
                + "writing them to a compressed archive (JSON lines, gzip). Whole turns only, and never the newest "
                + "--keep-turns turns, so the history stays valid and the agent keeps its recent context."})
final class SessionsPrune implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "the session")
    String name;

    @Option(names = "--older-than", paramLabel = "DURATION", required = true, description = "prune turns older "
            + "than this, such as 30d")
    String olderThan;

    @Option(names = "--keep-turns", paramLabel = "N", defaultValue = "20", description = "newest turns never pruned "
            + "(default: ${DEFAULT-VALUE})")
    int keepTurns;

    @Option(names = "--archive-dir", paramLabel = "DIR", description = "where the archive goes (default: an "
            + "'archive' folder beside the database)")
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
            List<StoredMessage> current = store.history(name);
            List<StoredMessage> superseded = store.allMessages(name).stream().filter(m -> m.revision() < revision).toList();
            List<StoredMessage> pruned = prunable(current, cutoff, keepTurns);
            if (pruned.isEmpty() && superseded.isEmpty()) {
                out.println(name + ": nothing older than " + olderThan + " to prune (the newest " + keepTurns
                        + " turns are always kept)");
                out.flush();
                return 0;
            }
            if (dryRun) {
                out.println(name + ": would archive and remove " + pruned.size() + " message(s) older than " + olderThan
                        + " and " + superseded.size() + " superseded; " + (current.size() - pruned.size()) + " kept");
                out.flush();
                return 0;
            }
            Path dir = archiveDir != null ? archiveDir : config.stateDir().toAbsolutePath().resolve("archive");
            Files.createDirectories(dir);
            Path archive = dir.resolve(name + "-" + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss")
                    .format(OffsetDateTime.now(main.clock)) + ".jsonl.gz");
            List<StoredMessage> archived = new ArrayList<>(superseded);
            archived.addAll(pruned);
            write(archive, archived);
            List<Long> ids = pruned.stream().map(StoredMessage::id).toList();
            int removed = store.deleteMessages(name, ids, true);
            out.println(name + ": archived " + archived.size() + " message(s) to " + archive + "; removed " + removed
                    + " from the store; " + (current.size() - pruned.size()) + " kept");
            out.flush();
        }
        return 0;
    }

    /** The oldest whole turns entirely before the cutoff, never the newest {@code keep}. */
    static List<StoredMessage> prunable(List<StoredMessage> history, OffsetDateTime cutoff, int keep) {
        List<Integer> turnStarts = new ArrayList<>();
        for (int i = 0; i < history.size(); i++) {
            if (history.get(i).message() instanceof UserMessage) {
                turnStarts.add(i);
            }
        }
        int limit = Math.max(0, turnStarts.size() - keep);
        int end = 0;
        for (int t = 0; t < limit; t++) {
            int next = t + 1 < turnStarts.size() ? turnStarts.get(t + 1) : history.size();
            boolean old = true;
            for (int i = turnStarts.get(t); i < next; i++) {
                old &= history.get(i).createdAt().isBefore(cutoff);
            }
            if (!old) {
                break;
            }
            end = next;
        }
        // Anything before the first turn (system messages) stays.
        int start = turnStarts.isEmpty() ? 0 : turnStarts.get(0);
        return end > start ? history.subList(start, end) : List.of();
    }

    private static void write(Path archive, List<StoredMessage> messages) throws IOException {
        try (OutputStream file = Files.newOutputStream(archive);
             Writer w = new OutputStreamWriter(new GZIPOutputStream(file), StandardCharsets.UTF_8)) {
            for (StoredMessage m : messages) {
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("id", m.id());
                line.put("revision", m.revision());
                line.put("created_at", m.createdAt());
                line.put("beat_id", m.beatId());
                line.put("message", m.message());
                w.write(Json.write(line));
                w.write('\n');
            }
        }
    }
}
