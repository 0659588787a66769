package dev.heartbeat.store;

import dev.heartbeat.audit.Decision;
import java.util.Map;
import java.util.Optional;

/**
 * A decision as stored: its place in the log, the exact JSON that was hashed, the parsed record
 * ({@code null} when the stored JSON no longer parses, which verification reports), and the columns
 * kept beside it for queries (empty unless read for verification).
 */
public record StoredDecision(long seq, String json, Decision decision, Map<String, String> columns) {
    public StoredDecision(long seq, String json, Decision decision) {
        this(seq, json, decision, Map.of());
    }

    /**
     * The first column that disagrees with the hashed record (what {@code decisions list} filters on must
     * be what the hash covers), or empty when all agree.
     */
    public Optional<String> columnMismatch() {
        if (decision == null) {
            return Optional.empty();
        }
        for (Map.Entry<String, String> expected : DecisionLog.columnsOf(decision).entrySet()) {
            String stored = columns.get(expected.getKey());
            if (columns.containsKey(expected.getKey()) && !java.util.Objects.equals(stored, expected.getValue())) {
                return Optional.of("its " + expected.getKey() + " column says '" + stored + "' where the hashed record "
                        + "says '" + expected.getValue() + "': a column was edited behind the program's back");
            }
        }
        return Optional.empty();
    }
}
