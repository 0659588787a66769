package dev.heartbeat.store;

import dev.heartbeat.support.Json;
import dev.heartbeat.transcript.StoredMessage;
import dev.heartbeat.transcript.UserMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Moves a session's old turns out of the store: written first to a compressed archive (JSON lines, gzip)
 * beside the database, then removed, with the superseded revisions repairs left. Whole turns only, and
 * never the newest ones, so the history stays valid and the agent keeps its recent context.
 */
public final class SessionArchive {
    private SessionArchive() {}

    /** What a pruning found (and, unless it was a dry run, did). */
    public record Result(
            int pruned, int superseded, int kept, @Nullable Path archive, int removed) {
        public boolean nothing() {
            return pruned == 0 && superseded == 0;
        }
    }

    /** Archives and removes the turns of {@code session} older than {@code cutoff}, never the newest {@code keepTurns}. */
    public static Result prune(
            Store store,
            String session,
            int revision,
            OffsetDateTime cutoff,
            int keepTurns,
            Path archiveDir,
            OffsetDateTime now,
            boolean dryRun)
            throws IOException {
        List<StoredMessage> current = store.sessions().history(session);
        List<StoredMessage> superseded = store.sessions().allMessages(session).stream()
                .filter(m -> m.revision() < revision)
                .toList();
        List<StoredMessage> pruned = prunable(current, cutoff, keepTurns);
        int kept = current.size() - pruned.size();
        if (dryRun || (pruned.isEmpty() && superseded.isEmpty())) {
            return new Result(pruned.size(), superseded.size(), kept, null, 0);
        }
        Files.createDirectories(archiveDir);
        String stem =
                session + "-" + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").format(now);
        Path archive = archiveDir.resolve(stem + ".jsonl.gz");
        for (int n = 1; Files.exists(archive); n++) {
            archive = archiveDir.resolve(stem + "-" + n + ".jsonl.gz"); // never over an earlier archive
        }
        List<StoredMessage> archived = new ArrayList<>(superseded);
        archived.addAll(pruned);
        write(archive, archived);
        int removed = store.pruning()
                .deleteMessages(session, pruned.stream().map(StoredMessage::id).toList(), true);
        return new Result(pruned.size(), superseded.size(), kept, archive, removed);
    }

    /** The oldest whole turns entirely before the cutoff, never the newest {@code keep}. */
    public static List<StoredMessage> prunable(List<StoredMessage> history, OffsetDateTime cutoff, int keep) {
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
        ArchiveFile.write(archive, w -> {
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
        });
    }
}
