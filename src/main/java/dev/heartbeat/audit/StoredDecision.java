package dev.heartbeat.audit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A decision as stored: its place in the log, the exact JSON that was hashed, the parsed record
 * ({@code null} when the stored JSON no longer parses, which verification reports), and the columns
 * kept beside it for queries (empty unless read for verification).
 */
public record StoredDecision(
        long seq, String json, @Nullable Decision decision, Map<String, String> columns) {
    public StoredDecision(long seq, String json, @Nullable Decision decision) {
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
        for (Map.Entry<String, String> expected : columnsOf(decision).entrySet()) {
            String stored = columns.get(expected.getKey());
            if (columns.containsKey(expected.getKey()) && !Objects.equals(stored, expected.getValue())) {
                return Optional.of("its " + expected.getKey() + " column says '" + stored + "' where the hashed record "
                        + "says '" + expected.getValue() + "': a column was edited behind the program's back");
            }
        }
        return Optional.empty();
    }

    /**
     * The columns stored beside a decision's record, for queries, in table order: each must say what the
     * hashed record says (verify checks it).
     */
    public static final List<String> COLUMNS = List.of(
            "id", "agent", "session", "trigger_type", "outcome", "started_at", "finished_at", "prev_hash", "hash");

    /** The values of {@link #COLUMNS} for a decision; times in UTC, as stored. */
    public static Map<String, String> columnsOf(Decision d) {
        Map<String, String> columns = new LinkedHashMap<>();
        columns.put("id", d.id());
        columns.put("agent", d.agent());
        columns.put("session", d.session());
        columns.put("trigger_type", d.trigger().wire());
        columns.put("outcome", d.outcome().wire());
        columns.put("started_at", d.startedAt().toInstant().toString());
        columns.put("finished_at", d.finishedAt().toInstant().toString());
        columns.put("prev_hash", d.prevHash());
        columns.put("hash", d.hash());
        return columns;
    }
}
