package dev.heartbeat.repair;

import java.util.Locale;

/**
 * What a repair did to a history, as decision records and {@code sessions show} name it ({@link #wire()}):
 * the README's table of rules lists each with what it fixes.
 */
public enum RepairRule {
    DROP_INVALID_THINKING,
    MOVE_THINKING_FIRST,
    DROP_EMPTY,
    FILL_EMPTY_RESULT,
    SYSTEM_TO_FRONT,
    REWRITE_TOOL_ID,
    REWRITE_TOOL_NAME,
    TORN_ARGUMENTS,
    DROP_ORPHAN_RESULT,
    DROP_DUPLICATE_RESULT,
    MOVE_RESULT,
    SYNTHESIZE_MISSING_RESULT,
    DROP_HEAD,
    MERGE_SAME_ROLE,
    /** A reasoning block the provider refused with a 400 naming it, dropped after the fact (the last net). */
    DROP_REJECTED_THINKING,
    /** Older turns folded into the session's summary (context building, not a defect). */
    COMPACT,
    /** Old turns or decisions archived out of the store (retention, not a defect). */
    RETENTION;

    /** The name in records: {@code drop_orphan_result}, ... */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return wire();
    }
}
