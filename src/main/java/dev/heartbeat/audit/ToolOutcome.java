package dev.heartbeat.audit;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What came of one tool call, as its decision record names it ({@link #wire()}). */
public enum ToolOutcome {
    /** It ran and returned a result. */
    OK,
    /** It ran and failed. */
    ERROR,
    /** The policy (workspace, allowlist, lost beat lock, a person) refused it; it did not run. */
    REFUSED,
    /** The model called a tool that does not exist. */
    UNKNOWN_TOOL,
    /** The arguments were not valid for the tool; it did not run. */
    BAD_ARGUMENTS,
    /** A dry run: a side-effecting call that would have run. */
    DRY_RUN,
    /** It waits for a person's approval; the beat that settles it records how it ended. */
    AWAITING_APPROVAL,
    /** The process stopped while it ran: outcome unknown, never run again. */
    INTERRUPTED,
    /** Not run (records written before the outcomes above were told apart). */
    NOT_RUN;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return wire();
    }

    @JsonCreator
    public static ToolOutcome parse(String text) {
        for (ToolOutcome o : values()) {
            if (o.wire().equals(text)) {
                return o;
            }
        }
        throw new IllegalArgumentException("unknown tool call outcome '" + text + "'");
    }
}
