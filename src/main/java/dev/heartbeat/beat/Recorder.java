package dev.heartbeat.beat;

import dev.heartbeat.audit.Decision;
import dev.heartbeat.audit.HeadAnchor;
import dev.heartbeat.config.AgentConfig;
import dev.heartbeat.store.Store;
import java.io.IOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The beat's last step: its decision goes into the hash-chained log (with its tick, for a scheduled beat),
 * the chain's new head is anchored outside the store, and the beat's listeners hear of it.
 */
final class Recorder {
    private static final Logger LOG = LoggerFactory.getLogger("dev.heartbeat.decision");

    private final AgentConfig config;
    private final Store store;
    private final BeatListener listener;

    Recorder(AgentConfig config, Store store, BeatListener listener) {
        this.config = config;
        this.store = store;
        this.listener = listener;
    }

    /** Takes the decision's tick and appends the decision in one step; empty when the tick was taken already. */
    Optional<Decision> recordFenced(Decision built) {
        return store.decisionLog().appendFenced(built).map(this::logged);
    }

    /** Appends the decision to the log, anchors the head and tells the listeners. */
    Decision record(Decision built) {
        return logged(store.decisionLog().append(built));
    }

    Decision logged(Decision decision) {
        // The head goes outside the store (a file and the log) after every record, so a cut tail shows.
        Optional<HeadAnchor.Head> head = store.decisionLog().head();
        head.ifPresent(h -> {
            try {
                new HeadAnchor(config.headAnchorFile()).write(h);
            } catch (IOException e) {
                LOG.warn("cannot anchor the decision chain's head in {}: {}", config.headAnchorFile(), e.getMessage());
            }
        });
        listener.beatRecorded(decision, head);
        return decision;
    }
}
