package dev.heartbeat.beat;

import dev.heartbeat.audit.Decision;
import dev.heartbeat.audit.HeadAnchor;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every listener of a beat, each shielded from the others and from the beat. */
final class BeatListeners implements BeatListener {
    private static final Logger LOG = LoggerFactory.getLogger(BeatListeners.class);

    private final List<BeatListener> listeners;

    BeatListeners(List<BeatListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    @Override
    public void beatStarted(String beatId, BeatOptions options) {
        each(l -> l.beatStarted(beatId, options));
    }

    @Override
    public void modelCalled(String beatId, Decision.ModelCall call) {
        each(l -> l.modelCalled(beatId, call));
    }

    @Override
    public void toolCalled(String beatId, Decision.ToolCallRecord call) {
        each(l -> l.toolCalled(beatId, call));
    }

    @Override
    public void notified(String beatId, Decision.NotificationRecord notification) {
        each(l -> l.notified(beatId, notification));
    }

    @Override
    public void beatRecorded(Decision decision, Optional<HeadAnchor.Head> chainHead) {
        each(l -> l.beatRecorded(decision, chainHead));
    }

    private void each(Consumer<BeatListener> event) {
        for (BeatListener l : listeners) {
            try {
                event.accept(l);
            } catch (RuntimeException e) {
                LOG.warn(
                        "beat listener {} failed; the beat goes on: {}",
                        l.getClass().getSimpleName(),
                        e.toString());
            }
        }
    }
}
