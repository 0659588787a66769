package dev.heartbeat.beat;

import dev.heartbeat.audit.Decision.RepairRecord;
import dev.heartbeat.repair.Repairer;
import dev.heartbeat.store.Store;
import dev.heartbeat.transcript.Entry;
import dev.heartbeat.transcript.StoredMessage;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The beat's load-and-repair step: the session is read from where a context can still need it (the whole
 * revision when that part needs a repair, so the repair sees and writes the session as a whole), repaired,
 * and a repaired history is stored as a new revision before anything is sent.
 */
final class SessionLoad {
    private static final Logger LOG = LoggerFactory.getLogger("dev.heartbeat.decision");

    /**
     * @param history     the history to build the context from, repaired
     * @param repairs     what the repair did (empty when nothing needed it)
     * @param contextFrom where the history was read from in its revision: 0 after a repair (a new revision)
     */
    record Loaded(List<StoredMessage> history, List<RepairRecord> repairs, long contextFrom) {}

    private final Store store;

    SessionLoad(Store store) {
        this.store = store;
    }

    Loaded load(String session, String beatId) {
        store.sessions().ensureSession(session);
        long contextFrom = store.sessions().contextFrom(session);
        List<StoredMessage> history = store.sessions().historyFrom(session, contextFrom);
        Repairer.Result repaired = Repairer.repair(Entry.of(history));
        if (repaired.changed() && contextFrom > 0) {
            history = store.sessions().history(session);
            repaired = Repairer.repair(Entry.of(history));
        }
        if (!repaired.changed()) {
            return new Loaded(history, List.of(), contextFrom);
        }
        long readUpTo = history.isEmpty() ? 0 : history.get(history.size() - 1).id();
        history = store.sessions().writeRevision(session, repaired.entries(), repaired.actions(), beatId, readUpTo);
        LOG.warn(
                "beat {}: session {} repaired with {} action(s) ({}); revision {} written",
                beatId,
                session,
                repaired.actions().size(),
                rules(repaired.actions()),
                history.isEmpty() ? "-" : history.get(0).revision());
        // The new revision's rows have new ids, and its context start was reset by the write.
        return new Loaded(history, repaired.actions(), 0);
    }

    private static String rules(List<RepairRecord> actions) {
        Set<String> names = new LinkedHashSet<>();
        actions.forEach(a -> names.add(a.rule()));
        return String.join(", ", names);
    }
}
