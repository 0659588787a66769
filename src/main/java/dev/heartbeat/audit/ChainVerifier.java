package dev.heartbeat.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heartbeat.support.Json;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Walks the decision log and names the first record that was altered, removed or inserted, or a column
 * edited beside its record; then checks the log reaches every head anchored outside it, so a cut tail
 * shows too.
 */
public final class ChainVerifier {
    private ChainVerifier() {}

    public record Break(long seq, String id, String problem) {}

    /**
     * {@code head}: the newest record as stored, which an operator may keep elsewhere; {@code archived}: the
     * records checked in archive files; {@code unread}: archived records whose file is not here (the chain is
     * checked on from the hash recorded for them).
     */
    public record Report(
            int records, Optional<Break> firstBreak, Optional<HeadAnchor.Head> head, int archived, int unread) {
        public Report(int records, Optional<Break> firstBreak, Optional<HeadAnchor.Head> head) {
            this(records, firstBreak, head, 0, 0);
        }

        public boolean intact() {
            return firstBreak.isEmpty();
        }
    }

    /**
     * An archive of the log's oldest records as recorded in the store, with its file's records ({@code null}
     * when the file is not here) and whether the file's bytes are the recorded ones.
     */
    public record Archive(
            ArchivedDecisions recorded, @Nullable List<StoredDecision> records, boolean fileMatches) {}

    /**
     * The store's part of the log, walked in chain order one record at a time: {@code walk} hands each record to
     * its visitor until the visitor answers false (so memory stays flat in the log's length).
     */
    @FunctionalInterface
    public interface Rows {
        void walk(Predicate<StoredDecision> visitor);
    }

    /**
     * {@code archives}: the log's oldest records, moved out by retention, oldest first; {@code chain}: the records
     * in the store; {@code anchors}: heads kept outside the store (the anchor file, a head the operator gave);
     * {@code key}: the chain key, without which keyed records cannot be checked (null: none configured).
     */
    public static Report verify(
            List<Archive> archives, Rows chain, List<HeadAnchor.Head> anchors, byte @Nullable [] key) {
        Walk walk = new Walk(key);
        // Only the records an anchor names are remembered, for the check against the anchors at the end.
        Set<Long> anchored = new HashSet<>();
        anchors.forEach(a -> anchored.add(a.seq()));
        Map<Long, StoredDecision> atAnchors = new HashMap<>();
        int archived = 0;
        int unread = 0;
        Optional<Break> broken = Optional.empty();
        for (Archive a : archives) {
            ArchivedDecisions r = a.recorded();
            Optional<String> problem = archiveProblem(r, walk.expectedPrev, key);
            if (problem.isPresent()) {
                broken = Optional.of(new Break(r.firstSeq(), r.file(), problem.get()));
                break;
            }
            List<StoredDecision> records = a.records();
            if (records == null) {
                unread += r.records();
            } else {
                Optional<Break> b = a.fileMatches()
                        ? walk.over(records)
                        : Optional.of(new Break(
                                r.firstSeq(),
                                r.file(),
                                "the archive file was altered: its SHA-256 is "
                                        + "not the one recorded when it was written"));
                if (b.isEmpty() && (records.size() != r.records() || !walk.expectedPrev.equals(r.lastHash()))) {
                    b = Optional.of(new Break(
                            r.firstSeq(),
                            r.file(),
                            "the archive holds " + records.size() + " record(s) ending in another hash than the "
                                    + r.records() + " recorded"));
                }
                if (b.isPresent()) {
                    broken = b;
                    break;
                }
                archived += r.records();
                records.stream().filter(d -> anchored.contains(d.seq())).forEach(d -> atAnchors.put(d.seq(), d));
            }
            walk.expectedPrev = r.lastHash();
        }
        // The store's records: checked until the first break, then only counted (the report says how many).
        Tally tally = new Tally(broken);
        chain.walk(row -> {
            tally.count++;
            tally.last = row;
            if (tally.broken.isEmpty()) {
                tally.broken = walk.step(row);
                if (anchored.contains(row.seq())) {
                    atAnchors.put(row.seq(), row);
                }
            }
            return true;
        });
        int count = tally.count;
        StoredDecision last = tally.last;
        Optional<HeadAnchor.Head> head = last == null ? Optional.empty() : Optional.of(headOf(last));
        if (tally.broken.isPresent()) {
            return new Report(count, tally.broken, head, archived, unread);
        }
        for (HeadAnchor.Head anchor : anchors) {
            StoredDecision at = atAnchors.get(anchor.seq());
            boolean archivedUnread = at == null
                    && !archives.isEmpty()
                    && anchor.seq()
                            <= archives.get(archives.size() - 1).recorded().throughSeq();
            if (archivedUnread) {
                continue; // in an archive whose file is not here: nothing to compare it with
            }
            if (at == null
                    || at.decision() == null
                    || !anchor.hash().equals(at.decision().hash())) {
                String named = anchor.id() == null ? "" : " (" + anchor.id() + ")";
                return new Report(
                        count,
                        Optional.of(new Break(
                                anchor.seq(),
                                anchor.id() == null ? "?" : anchor.id(),
                                "the store is behind its anchor: record #" + anchor.seq() + named + " with hash "
                                        + anchor.hash() + " is "
                                        + (at == null ? "missing" : "not the one stored there")
                                        + "; the newest records were removed or replaced")),
                        head,
                        archived,
                        unread);
            }
        }
        return new Report(count, Optional.empty(), head, archived, unread);
    }

    /** What the walk over the store's records found: how many, the last, the first break. */
    private static final class Tally {
        int count;

        @Nullable
        StoredDecision last;

        Optional<Break> broken;

        Tally(Optional<Break> broken) {
            this.broken = broken;
        }
    }

    /** What is wrong with an archive's recorded row itself: its seal, or where it joins the chain. */
    private static Optional<String> archiveProblem(ArchivedDecisions r, String expectedPrev, byte @Nullable [] key) {
        if (r.seal() != null) {
            if (key == null) {
                return Optional.of("the archive's record is sealed with the chain key (HMAC); give verify the same key "
                        + "(audit.chain-key-file, or the systemd credential chain-key) to check it");
            }
            String expected = HashChain.KEYED + HexFormat.of().formatHex(HashChain.hmacSha256(key, r.sealText()));
            if (!expected.equals(r.seal())) {
                return Optional.of("the archive's record does not match its seal: it was edited after it was written");
            }
        } else if (r.lastHash().startsWith(HashChain.KEYED)) {
            return Optional.of("the archive's record has no seal although its records are chained with the chain key: "
                    + "it was written by someone without the key (records removed from the start of the log?)");
        }
        if (!Objects.equals(r.firstPrev(), expectedPrev)) {
            return Optional.of(
                    "the archive of records #" + r.firstSeq() + " to #" + r.throughSeq() + " does not chain on "
                            + "from what comes before it: records were removed from the start of the log");
        }
        return Optional.empty();
    }

    /** Walks records in chain order, carrying the hash the next one must name and whether keys began. */
    private static final class Walk {
        private final byte @Nullable [] key;
        private String expectedPrev = HashChain.GENESIS;
        private boolean keyedSeen;

        Walk(byte @Nullable [] key) {
            this.key = key;
        }

        Optional<Break> over(List<StoredDecision> rows) {
            for (StoredDecision row : rows) {
                Optional<Break> b = step(row);
                if (b.isPresent()) {
                    return b;
                }
            }
            return Optional.empty();
        }

        /** Checks the next record of the chain; the break it makes, if any. */
        Optional<Break> step(StoredDecision row) {
            JsonNode record;
            try {
                record = Json.tree(row.json());
            } catch (RuntimeException e) {
                return Optional.of(new Break(row.seq(), "?", "the stored record is not valid JSON"));
            }
            String id = record.path("id").asText("?");
            String prev = record.path("prev_hash").asText("");
            String hash = record.path("hash").asText("");
            if (!prev.equals(expectedPrev)) {
                return Optional.of(new Break(
                        row.seq(),
                        id,
                        "prev_hash does not match the record before it: a "
                                + "record was removed or inserted before this one"));
            }
            boolean keyed = hash.startsWith(HashChain.KEYED);
            if (keyed && key == null) {
                return Optional.of(
                        new Break(
                                row.seq(),
                                id,
                                "it is chained with the chain key (HMAC); give verify "
                                        + "the same key (audit.chain-key-file, or the systemd credential chain-key) to check it"));
            }
            // Plain records may only come before the first keyed one (the log began without a key).
            if (!keyed && keyedSeen) {
                return Optional.of(new Break(
                        row.seq(),
                        id,
                        "its hash is not keyed although the log is chained with "
                                + "the chain key: the record was rewritten by someone without the key"));
            }
            keyedSeen |= keyed;
            if (!HashChain.hashOf(record, keyed ? key : null).equals(hash)) {
                return Optional.of(
                        new Break(row.seq(), id, "its content does not match its hash: the record was altered"));
            }
            Decision d = row.decision();
            if (d == null) {
                return Optional.of(new Break(row.seq(), "?", "the stored record no longer reads as a decision"));
            }
            Optional<String> column = row.columnMismatch();
            if (!d.id().equals(id) || !hash.equals(d.hash()) || column.isPresent()) {
                return Optional.of(
                        new Break(row.seq(), id, column.orElse("its indexed columns disagree with the record")));
            }
            expectedPrev = hash;
            return Optional.empty();
        }
    }

    private static HeadAnchor.Head headOf(StoredDecision row) {
        Decision d = row.decision();
        return new HeadAnchor.Head(row.seq(), d == null ? "?" : d.id(), d == null || d.hash() == null ? "?" : d.hash());
    }
}
