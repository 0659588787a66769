package dev.heartbeat.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heartbeat.audit.ArchivedDecisions;
import dev.heartbeat.audit.Decision;
import dev.heartbeat.audit.StoredDecision;
import dev.heartbeat.support.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.zip.GZIPInputStream;
import org.jspecify.annotations.Nullable;

/**
 * Moves the oldest decisions out of the store ({@code audit.retention}): written first, durably, to a
 * compressed archive in the state folder's {@code archive/}, then recorded with the chain's hashes at both
 * ends and removed in one transaction. The log stays verifiable: the store's oldest record chains on from
 * the archive's last hash, and {@code decisions verify} reads the archives it finds and checks them too.
 * Never the newest record, which the next decision chains on from.
 */
public final class DecisionArchive {
    /** At most this many records per archive, so one pruning holds a bounded number in memory. */
    static final int BATCH = 5_000;

    private DecisionArchive() {}

    /** What a pruning archived: nothing ({@code records == 0}) or one file. */
    public record Result(int records, @Nullable Path file) {}

    /**
     * One pruning at a time in this process: the log is one chain for every agent, and the beats of several agents
     * run at once; two prunings would read the same oldest records and write the same archive file.
     */
    private static final Object PRUNING = new Object();

    /** Archives the oldest decisions that finished before {@code cutoff}, up to {@link #BATCH} of them. */
    public static Result prune(Store store, OffsetDateTime cutoff, Path stateDir, OffsetDateTime now)
            throws IOException {
        synchronized (PRUNING) {
            return pruneNow(store, cutoff, stateDir, now);
        }
    }

    private static Result pruneNow(Store store, OffsetDateTime cutoff, Path stateDir, OffsetDateTime now)
            throws IOException {
        List<StoredDecision> old = new ArrayList<>();
        List<Decision> decisions = new ArrayList<>();
        for (StoredDecision d : store.decisionLog().oldest(BATCH)) {
            // A prefix of the chain only: the first record too new (or unreadable) ends it.
            String finished = d.columns().get("finished_at");
            Decision decision = d.decision();
            if (decision == null
                    || finished == null
                    || !OffsetDateTime.parse(finished).isBefore(cutoff)) {
                break;
            }
            old.add(d);
            decisions.add(decision);
        }
        if (old.isEmpty()) {
            return new Result(0, null);
        }
        StoredDecision first = old.get(0);
        StoredDecision last = old.get(old.size() - 1);
        String name = "archive/decisions-" + first.seq() + "-" + last.seq() + ".jsonl.gz";
        Path file = stateDir.resolve(name);
        if (Files.exists(file)) {
            // A pruning that wrote its file and crashed before its transaction: the store still holds the
            // records, so the file is written again from them.
            Files.delete(file);
        }
        ArchiveFile.write(file, w -> {
            for (StoredDecision d : old) {
                // The record exactly as stored, so its hash checks from the archive as it did in the store.
                w.write("{\"seq\":" + d.seq() + ",\"record\":" + d.json() + "}\n");
            }
        });
        ArchivedDecisions archive = new ArchivedDecisions(
                first.seq(),
                last.seq(),
                old.size(),
                decisions.get(0).prevHash(),
                Objects.requireNonNull(decisions.get(decisions.size() - 1).hash(), "a stored decision has its hash"),
                name,
                ArchiveFile.sha256(file),
                null,
                now.toString());
        store.decisionLog()
                .archive(
                        archive,
                        decisions.stream().map(Decision::id).toList(),
                        decisions.stream()
                                .map(Decision::startedAt)
                                .max(Comparator.naturalOrder())
                                .orElseThrow()
                                .toString());
        return new Result(old.size(), file);
    }

    /** The records of an archive file, in chain order. */
    public static List<StoredDecision> read(Path file) throws IOException {
        List<StoredDecision> out = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                JsonNode node = Json.tree(line);
                String json = Json.write(node.path("record"));
                out.add(new StoredDecision(node.path("seq").asLong(), json, DecisionLog.parse(json)));
            }
        }
        return out;
    }

    /** Whether the archive file is the one recorded (its bytes hash to the recorded SHA-256). */
    public static boolean matches(Path file, ArchivedDecisions archive) throws IOException {
        return ArchiveFile.sha256(file).equals(archive.fileSha256());
    }
}
