package dev.heartbeat.beat;

import dev.heartbeat.audit.Decision;
import dev.heartbeat.audit.HeadAnchor;
import java.util.Optional;

/**
 * What watches a beat without taking part in it: the decision log event, and next metrics and traces.
 * Each method is called on the beat's thread once what it names is on record in the store (a crash
 * before that leaves it to the store, not to a listener); a listener that throws is logged and ignored,
 * so watching never fails or changes a beat. Dry runs and records of beats that did not run (skipped
 * without a lock, missed, interrupted) call only {@link #beatRecorded}.
 */
public interface BeatListener {
    /** The beat holds its lock and is on record as started. */
    default void beatStarted(String beatId, BeatOptions options) {}

    /** A model call ended: an answer or a failure, with its tokens and latency. */
    default void modelCalled(String beatId, Decision.ModelCall call) {}

    /** A tool call ended (run, refused, or waiting for a person). */
    default void toolCalled(String beatId, Decision.ToolCallRecord call) {}

    /** A notification was sent, queued, suppressed or failed. */
    default void notified(String beatId, Decision.NotificationRecord notification) {}

    /** The decision is in the chained log; {@code chainHead} is the chain's head after it. */
    default void beatRecorded(Decision decision, Optional<HeadAnchor.Head> chainHead) {}
}
