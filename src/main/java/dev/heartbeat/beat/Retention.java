package dev.heartbeat.beat;

import dev.heartbeat.audit.Decision.RepairRecord;
import dev.heartbeat.config.AgentConfig;
import dev.heartbeat.config.Durations;
import dev.heartbeat.repair.RepairRule;
import dev.heartbeat.store.DecisionArchive;
import dev.heartbeat.store.SessionArchive;
import dev.heartbeat.store.SessionInfo;
import dev.heartbeat.store.Store;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The beat's first step under its lock: {@code audit.retention} and {@code sessions.retention} keep the store
 * bounded. Each prunes in one go once the oldest row is a tenth of its period past it (a daemon prunes every
 * few days, not a little every beat, since a session pruning reads the whole session), on record in the
 * beat's repairs. Cheap when nothing is due: one look at the oldest row. A failure is logged and never fails
 * the beat.
 */
final class Retention {
    private static final Logger LOG = LoggerFactory.getLogger("dev.heartbeat.decision");

    private final AgentConfig config;
    private final Store store;
    private final Clock clock;

    Retention(AgentConfig config, Store store, Clock clock) {
        this.config = config;
        this.store = store;
        this.clock = clock;
    }

    /** What beat {@code beatId} archived, as repair records for its decision. */
    List<RepairRecord> apply(String beatId) {
        List<RepairRecord> done = new ArrayList<>();
        decisions(beatId).ifPresent(done::add);
        session(beatId).ifPresent(done::add);
        return done;
    }

    private Optional<RepairRecord> decisions(String beatId) {
        Duration keep = config.audit().retention();
        if (keep == null) {
            return Optional.empty();
        }
        OffsetDateTime now = OffsetDateTime.now(clock);
        OffsetDateTime cutoff = now.minus(keep);
        try {
            Optional<OffsetDateTime> oldest = store.decisionLog().oldestFinished();
            if (!due(oldest, cutoff, keep)) {
                return Optional.empty();
            }
            DecisionArchive.Result done =
                    DecisionArchive.prune(store, cutoff, config.stateDir().toAbsolutePath(), now);
            if (done.records() == 0) {
                return Optional.empty();
            }
            return Optional.of(new RepairRecord(
                    RepairRule.RETENTION.wire(),
                    "archived " + done.records() + " decision(s) older than "
                            + Durations.format(keep) + " to " + done.file() + " and removed them from the store "
                            + "(audit.retention); decisions verify checks the archive too",
                    List.of()));
        } catch (IOException | RuntimeException e) {
            LOG.warn("beat {}: audit.retention could not archive decisions: {}", beatId, e.getMessage());
            return Optional.empty();
        }
    }

    private Optional<RepairRecord> session(String beatId) {
        AgentConfig.Retention r = config.sessions().retention();
        if (r == null) {
            return Optional.empty();
        }
        String session = config.sessionName();
        OffsetDateTime now = OffsetDateTime.now(clock);
        OffsetDateTime cutoff = now.minus(r.olderThan());
        try {
            Optional<OffsetDateTime> oldest = store.pruning().oldestMessage(session);
            if (!due(oldest, cutoff, r.olderThan())) {
                return Optional.empty();
            }
            int revision =
                    store.sessions().session(session).map(SessionInfo::revision).orElse(0);
            SessionArchive.Result done = SessionArchive.prune(
                    store,
                    session,
                    revision,
                    cutoff,
                    r.keepTurns(),
                    config.stateDir().toAbsolutePath().resolve("archive"),
                    now,
                    false);
            if (done.nothing()) {
                return Optional.empty();
            }
            return Optional.of(new RepairRecord(
                    RepairRule.RETENTION.wire(),
                    "archived " + (done.pruned() + done.superseded())
                            + " message(s) older than " + Durations.format(r.olderThan()) + " to " + done.archive()
                            + " and removed them from the store (sessions.retention); " + done.kept() + " kept",
                    List.of()));
        } catch (IOException | RuntimeException e) {
            LOG.warn("beat {}: sessions.retention could not prune {}: {}", beatId, session, e.getMessage());
            return Optional.empty();
        }
    }

    /** Whether the oldest row is a tenth of the period past the cutoff: then one pruning takes days' worth. */
    private static boolean due(Optional<OffsetDateTime> oldest, OffsetDateTime cutoff, Duration period) {
        return oldest.isPresent() && oldest.get().isBefore(cutoff.minus(period.dividedBy(10)));
    }
}
