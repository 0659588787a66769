package dev.heartbeat.store;

import dev.heartbeat.audit.Decision;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What keeps beats from overlapping or going missing across daemons: the tick fence (each scheduled tick is
 * taken by one beat), the record of every beat's start, the agent's beat lock, and the Quartz cluster's
 * nodes and clock offset as the database sees them.
 */
public final class Cluster {
    private final Jdbc jdbc;

    Cluster(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** The newest {@code limit} ticks taken (fenced) before {@code tick}, newest first. */
    public List<Instant> ticksBefore(String agent, Instant tick, int limit) {
        return jdbc.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT scheduled_at FROM beat_fence WHERE agent = ? "
                    + "AND scheduled_at < ? ORDER BY scheduled_at DESC LIMIT ?")) {
                ps.setString(1, agent);
                ps.setString(2, tick.toString());
                ps.setInt(3, limit);
                List<Instant> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(Instant.parse(rs.getString(1)));
                    }
                }
                return out;
            }
        });
    }

    /** Which node took which tick: the fence row a beat inserted before it ran. */
    public record Fence(String agent, Instant scheduledAt, String beatId, String node, Instant takenAt) {}

    /**
     * Takes the tick at {@code scheduledAt} for {@code beatId}: true when this insert made the row, false
     * when the tick was already taken (by another node, or a second scheduler): then the beat must not run.
     */
    public boolean takeFence(String agent, Instant scheduledAt, String beatId, String node) {
        return jdbc.write(c -> insertFence(c, agent, scheduledAt, beatId, node, jdbc.now()));
    }

    /** Takes the tick on {@code c}, inside the caller's transaction (a fenced decision's append). */
    static boolean insertFence(
            Connection c, String agent, Instant scheduledAt, String beatId, @Nullable String node, String now)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO beat_fence (agent, scheduled_at, beat_id, node, "
                + "taken_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (agent, scheduled_at) DO NOTHING")) {
            ps.setString(1, agent);
            ps.setString(2, scheduledAt.toString());
            ps.setString(3, beatId);
            ps.setString(4, node);
            ps.setString(5, now);
            return ps.executeUpdate() == 1;
        }
    }

    /**
     * Puts a beat on record before it does anything else: its tick's fence (when it has a tick) and its
     * start, in one transaction. False when the tick was taken already: then the beat must not run.
     */
    public boolean beginBeat(
            String agent,
            String beatId,
            Decision.Trigger trigger,
            @Nullable Instant scheduledAt,
            @Nullable String node) {
        return jdbc.write(c -> {
            if (scheduledAt != null && !insertFence(c, agent, scheduledAt, beatId, node, jdbc.now())) {
                return false;
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO beats_started (beat_id, agent, trigger_type, "
                    + "node, scheduled_at, started_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, beatId);
                ps.setString(2, agent);
                ps.setString(3, trigger.wire());
                ps.setString(4, node);
                ps.setString(5, scheduledAt == null ? null : scheduledAt.toString());
                ps.setString(6, jdbc.now());
                ps.executeUpdate();
            }
            return true;
        });
    }

    /** The newest tick taken for the agent. */
    public Optional<Fence> lastFence(String agent) {
        return fenceWhere("agent = ? ORDER BY taken_at DESC, scheduled_at DESC", agent);
    }

    /** The tick a beat took, if it took one (scheduled and woken beats of a daemon do). */
    public Optional<Fence> fenceOf(String beatId) {
        return fenceWhere("beat_id = ?", beatId);
    }

    private Optional<Fence> fenceWhere(String where, String value) {
        return jdbc.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT agent, scheduled_at, beat_id, node, taken_at "
                    + "FROM beat_fence WHERE " + where + " LIMIT 1")) {
                ps.setString(1, value);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next()
                            ? Optional.of(new Fence(
                                    rs.getString(1),
                                    Instant.parse(rs.getString(2)),
                                    rs.getString(3),
                                    rs.getString(4),
                                    Instant.parse(rs.getString(5))))
                            : Optional.<Fence>empty();
                }
            }
        });
    }

    /**
     * Takes the agent's beat lock, or returns empty at once when another beat of the agent (on any node
     * sharing the database) holds it. Beats never overlap, even if the cluster wrongly took a slow node for dead.
     */
    public Optional<BeatLock> tryLockBeat(String agent) {
        try {
            return jdbc.database().lockBeat(jdbc.connections(), agent);
        } catch (SQLException e) {
            throw new StoreException(
                    "cannot take the beat lock in " + jdbc.database().describe() + ": " + e.getMessage(), e);
        }
    }

    /** A node of the Quartz cluster, as it last checked in. */
    public record Node(String id, Instant lastCheckin, Duration checkinInterval) {
        /**
         * How long past its check-in interval a silent node is still taken for alive: 1 s of clock
         * difference (nodes further off refuse to join) and 1 s for a slow check-in. Quartz's own margin
         * is 7.5 s; the cluster's job store uses this one, so a dead node's beats move on sooner.
         */
        public static final Duration FAILURE_MARGIN = Duration.ofSeconds(2);

        public boolean alive(Instant now) {
            return !lastCheckin.plus(checkinInterval).plus(FAILURE_MARGIN).isBefore(now);
        }
    }

    /** The nodes of the scheduler cluster named {@code scheduler}; none on a database that is not clustered. */
    public List<Node> clusterNodes(String scheduler) {
        if (!jdbc.database().clustered()) {
            return List.of();
        }
        return jdbc.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT instance_name, last_checkin_time, checkin_interval "
                    + "FROM qrtz_scheduler_state WHERE sched_name = ? ORDER BY instance_name")) {
                ps.setString(1, scheduler);
                List<Node> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Node(
                                rs.getString(1),
                                Instant.ofEpochMilli(rs.getLong(2)),
                                Duration.ofMillis(rs.getLong(3))));
                    }
                }
                return out;
            }
        });
    }

    /**
     * How far this process's clock is from the database server's (positive: ours is ahead), measured
     * around one round trip; empty for a file.
     */
    public Optional<Duration> clockOffset() {
        return jdbc.read(c -> {
            Instant before = jdbc.clock().instant();
            Optional<Instant> server = jdbc.database().serverTime(c);
            Instant after = jdbc.clock().instant();
            if (server.isEmpty()) {
                return Optional.<Duration>empty();
            }
            Instant middle = before.plus(Duration.between(before, after).dividedBy(2));
            return Optional.of(Duration.between(server.get(), middle));
        });
    }
}
