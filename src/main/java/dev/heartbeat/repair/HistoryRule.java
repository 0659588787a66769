package dev.heartbeat.repair;

import java.util.Locale;

/**
 * A rule the providers hold every request's history to, as {@link HistoryValidator} names a break of it
 * ({@link #wire()}, what {@code sessions check} prints). {@link RepairRule} names what mends each.
 */
public enum HistoryRule {
    FIRST_NOT_USER,
    LAST_NOT_USER,
    SYSTEM_INSIDE,
    EMPTY_MESSAGE,
    CONSECUTIVE_SAME_ROLE,
    TOOL_ID_INVALID,
    TOOL_ID_DUPLICATE,
    TOOL_NAME_INVALID,
    TOOL_INPUT_NOT_OBJECT,
    TOOL_CALL_UNANSWERED,
    TOOL_RESULT_ORPHAN,
    TOOL_RESULT_DUPLICATE,
    THINKING_INVALID,
    THINKING_MISPLACED;

    /** The name in output: {@code tool_call_unanswered}, ... */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return wire();
    }
}
