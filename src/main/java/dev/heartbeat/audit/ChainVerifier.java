package dev.heartbeat.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heartbeat.store.StoredDecision;
import java.util.List;
import java.util.Optional;

/**
 * Walks the decision log and names the first record that was altered, removed or inserted, or a column
 * edited beside its record; then checks the log reaches every head anchored outside it, so a cut tail
 * shows too.
 */
public final class ChainVerifier {
    private ChainVerifier() {
    }

    public record Break(long seq, String id, String problem) {
    }

    /** {@code head}: the newest record as stored, which an operator may keep elsewhere. */
    public record Report(int records, Optional<Break> firstBreak, Optional<HeadAnchor.Head> head) {
        public boolean intact() {
            return firstBreak.isEmpty();
        }
    }

    /** Without a chain key. */
    public static Report verify(List<StoredDecision> chain, List<HeadAnchor.Head> anchors) {
        return verify(chain, anchors, null);
    }

    /**
     * {@code anchors}: heads kept outside the store (the anchor file, a head the operator gave);
     * {@code key}: the chain key, without which keyed records cannot be checked (null: none configured).
     */
    public static Report verify(List<StoredDecision> chain, List<HeadAnchor.Head> anchors, byte[] key) {
        String expectedPrev = HashChain.GENESIS;
        boolean keyedSeen = false;
        Optional<HeadAnchor.Head> head = chain.isEmpty() ? Optional.empty() : Optional.of(headOf(chain.get(chain.size() - 1)));
        for (StoredDecision row : chain) {
            JsonNode record;
            try {
                record = Json.tree(row.json());
            } catch (RuntimeException e) {
                return broken(chain, row, "?", "the stored record is not valid JSON", head);
            }
            String id = record.path("id").asText("?");
            String prev = record.path("prev_hash").asText("");
            String hash = record.path("hash").asText("");
            if (!prev.equals(expectedPrev)) {
                return broken(chain, row, id, "prev_hash does not match the record before it: a record was removed "
                        + "or inserted before this one", head);
            }
            boolean keyed = hash.startsWith(HashChain.KEYED);
            if (keyed && key == null) {
                return broken(chain, row, id, "it is chained with the chain key (HMAC); give verify the same key "
                        + "(audit.chain-key-file, or the systemd credential chain-key) to check it", head);
            }
            // Plain records may only come before the first keyed one (the log began without a key).
            if (!keyed && keyedSeen) {
                return broken(chain, row, id, "its hash is not keyed although the log is chained with the chain key: "
                        + "the record was rewritten by someone without the key", head);
            }
            keyedSeen |= keyed;
            if (!HashChain.hashOf(record, keyed ? key : null).equals(hash)) {
                return broken(chain, row, id, "its content does not match its hash: the record was altered", head);
            }
            Decision d = row.decision();
            if (d == null) {
                return broken(chain, row, "?", "the stored record no longer reads as a decision", head);
            }
            Optional<String> column = row.columnMismatch();
            if (!d.id().equals(id) || !d.hash().equals(hash) || column.isPresent()) {
                return broken(chain, row, id, column.orElse("its indexed columns disagree with the record"), head);
            }
            expectedPrev = hash;
        }
        for (HeadAnchor.Head anchor : anchors) {
            Optional<StoredDecision> at = chain.stream().filter(r -> r.seq() == anchor.seq()).findFirst();
            if (at.isEmpty() || at.get().decision() == null || !anchor.hash().equals(at.get().decision().hash())) {
                String named = anchor.id() == null ? "" : " (" + anchor.id() + ")";
                return new Report(chain.size(), Optional.of(new Break(anchor.seq(), anchor.id() == null ? "?" : anchor.id(),
                        "the store is behind its anchor: record #" + anchor.seq() + named + " with hash "
                                + anchor.hash() + " is " + (at.isEmpty() ? "missing" : "not the one stored there")
                                + "; the newest records were removed or replaced")), head);
            }
        }
        return new Report(chain.size(), Optional.empty(), head);
    }

    private static HeadAnchor.Head headOf(StoredDecision row) {
        Decision d = row.decision();
        return new HeadAnchor.Head(row.seq(), d == null ? "?" : d.id(), d == null ? "?" : d.hash());
    }

    private static Report broken(List<StoredDecision> chain, StoredDecision row, String id, String problem,
                                 Optional<HeadAnchor.Head> head) {
        return new Report(chain.size(), Optional.of(new Break(row.seq(), id, problem)), head);
    }
}
