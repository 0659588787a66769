package dev.heartbeat.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heartbeat.support.Json;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
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

    /** Without a chain key. */
    public static Report verify(List<StoredDecision> chain, List<HeadAnchor.Head> anchors) {
        return verify(List.of(), chain, anchors, null);
    }

    public static Report verify(List<StoredDecision> chain, List<HeadAnchor.Head> anchors, byte @Nullable [] key) {
        return verify(List.of(), chain, anchors, key);
    }

    /**
     * {@code archives}: the log's oldest records, moved out by retention, oldest first; {@code anchors}: heads
     * kept outside the store (the anchor file, a head the operator gave); {@code key}: the chain key, without
     * which keyed records cannot be checked (null: none configured).
     */
    public static Report verify(
            List<Archive> archives, List<StoredDecision> chain, List<HeadAnchor.Head> anchors, byte @Nullable [] key) {
        Optional<HeadAnchor.Head> head =
                chain.isEmpty() ? Optional.empty() : Optional.of(headOf(chain.get(chain.size() - 1)));
        Walk walk = new Walk(key);
        int archived = 0;
        int unread = 0;
        List<StoredDecision> read = new ArrayList<>();
        for (Archive a : archives) {
            ArchivedDecisions r = a.recorded();
            Optional<String> problem = archiveProblem(r, walk.expectedPrev, key);
            if (problem.isPresent()) {
                return new Report(
                        chain.size(),
                        Optional.of(new Break(r.firstSeq(), r.file(), problem.get())),
                        head,
                        archived,
                        unread);
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
                    return new Report(chain.size(), b, head, archived, unread);
                }
                archived += r.records();
                read.addAll(records);
            }
            walk.expectedPrev = r.lastHash();
        }
        Optional<Break> b = walk.over(chain);
        if (b.isPresent()) {
            return new Report(chain.size(), b, head, archived, unread);
        }
        for (HeadAnchor.Head anchor : anchors) {
            Optional<StoredDecision> at = Stream.concat(read.stream(), chain.stream())
                    .filter(r -> r.seq() == anchor.seq())
                    .findFirst();
            boolean archivedUnread = at.isEmpty()
                    && !archives.isEmpty()
                    && anchor.seq()
                            <= archives.get(archives.size() - 1).recorded().throughSeq();
            if (archivedUnread) {
                continue; // in an archive whose file is not here: nothing to compare it with
            }
            if (at.isEmpty()
                    || at.get().decision() == null
                    || !anchor.hash().equals(at.get().decision().hash())) {
                String named = anchor.id() == null ? "" : " (" + anchor.id() + ")";
                return new Report(
                        chain.size(),
                        Optional.of(new Break(
                                anchor.seq(),
                                anchor.id() == null ? "?" : anchor.id(),
                                "the store is behind its anchor: record #" + anchor.seq() + named + " with hash "
                                        + anchor.hash() + " is "
                                        + (at.isEmpty() ? "missing" : "not the one stored there")
                                        + "; the newest records were removed or replaced")),
                        head,
                        archived,
                        unread);
            }
        }
        return new Report(chain.size(), Optional.empty(), head, archived, unread);
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
            }
            return Optional.empty();
        }
    }

    private static HeadAnchor.Head headOf(StoredDecision row) {
        Decision d = row.decision();
        return new HeadAnchor.Head(row.seq(), d == null ? "?" : d.id(), d == null || d.hash() == null ? "?" : d.hash());
    }
}
