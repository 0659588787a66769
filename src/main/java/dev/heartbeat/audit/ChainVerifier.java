package dev.heartbeat.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heartbeat.store.StoredDecision;
import java.util.List;
import java.util.Optional;

/** Walks the decision log and names the first record that was altered, removed or inserted. */
public final class ChainVerifier {
    private ChainVerifier() {
    }

    public record Break(long seq, String id, String problem) {
    }

    public record Report(int records, Optional<Break> firstBreak) {
        public boolean intact() {
            return firstBreak.isEmpty();
        }
    }

    public static Report verify(List<StoredDecision> chain) {
        String expectedPrev = HashChain.GENESIS;
        for (StoredDecision row : chain) {
            JsonNode record;
            try {
                record = Json.tree(row.json());
            } catch (RuntimeException e) {
                return broken(chain, row, "the stored record is not valid JSON");
            }
            String id = record.path("id").asText("?");
            String prev = record.path("prev_hash").asText("");
            String hash = record.path("hash").asText("");
            if (!prev.equals(expectedPrev)) {
                return new Report(chain.size(), Optional.of(new Break(row.seq(), id, "prev_hash does not match the "
                        + "record before it: a record was removed or inserted before this one")));
            }
            if (!HashChain.hashOf(record).equals(hash)) {
                return new Report(chain.size(), Optional.of(new Break(row.seq(), id,
                        "its content does not match its hash: the record was altered")));
            }
            Decision d = row.decision();
            if (d == null) {
                return broken(chain, row, "the stored record no longer reads as a decision");
            }
            if (!d.id().equals(id) || !d.hash().equals(hash)) {
                return new Report(chain.size(), Optional.of(new Break(row.seq(), id,
                        "its indexed columns disagree with the record")));
            }
            expectedPrev = hash;
        }
        return new Report(chain.size(), Optional.empty());
    }

    private static Report broken(List<StoredDecision> chain, StoredDecision row, String problem) {
        return new Report(chain.size(), Optional.of(new Break(row.seq(), "?", problem)));
    }
}
