package dev.heartbeat.store;

import dev.heartbeat.audit.ArchivedDecisions;
import dev.heartbeat.audit.Decision;
import dev.heartbeat.audit.DecisionStats;
import dev.heartbeat.audit.DecisionText;
import dev.heartbeat.audit.HashChain;
import dev.heartbeat.audit.HeadAnchor;
import dev.heartbeat.audit.StoredDecision;
import dev.heartbeat.support.Faults;
import dev.heartbeat.support.Json;
import dev.heartbeat.support.JsonRecords;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The hash-chained decision log: every beat's record, appended with the chain's next hash (HMAC under the
 * chain key when there is one), read back for `decisions list/show/stats` and `verify`, summed for the
 * budget (a running daily total), and archived out of the store by `audit.retention`.
 */
public final class DecisionLog {
    private final Jdbc jdbc;
    /** With a chain key, decisions are chained with HMAC (see {@link HashChain}); null without. */
    private volatile byte @Nullable [] chainKey;

    DecisionLog(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Chains the decisions appended from now on with HMAC under {@code key} (null: plain SHA-256). */
    void keyChain(byte @Nullable [] key) {
        this.chainKey = key == null ? null : key.clone();
    }

    /** Seals the decision onto the end of the hash chain and stores it, in one transaction. */
    public Decision append(Decision decision) {
        return jdbc.write(c -> insertDecision(c, decision));
    }

    /**
     * Takes the fence of the decision's tick ({@code scheduled_at}) and appends the decision, in one
     * transaction: empty when the tick was taken already. For records of beats that do not run (missed
     * ticks, a tick skipped because another beat holds the lock): nobody ever sees the tick taken and
     * its decision missing.
     */
    public Optional<Decision> appendFenced(Decision decision) {
        return appendFenced(decision, null);
    }

    /**
     * The same, also fencing {@code lastTick} (when given and still free): a record that stands for a run of
     * ticks marks where the run ends, so the next beat knows the ticks before it are accounted for.
     */
    public Optional<Decision> appendFenced(Decision decision, @Nullable Instant lastTick) {
        Instant tick = Objects.requireNonNull(decision.scheduledAt(), "a fenced decision names its tick")
                .toInstant();
        return jdbc.write(c -> {
            if (!Cluster.insertFence(c, decision.agent(), tick, decision.id(), decision.node(), jdbc.now())) {
                return Optional.<Decision>empty();
            }
            if (lastTick != null && !lastTick.equals(tick)) {
                Cluster.insertFence(c, decision.agent(), lastTick, decision.id(), decision.node(), jdbc.now());
            }
            return Optional.of(insertDecision(c, decision));
        });
    }

    private Decision insertDecision(Connection c, Decision decision) throws SQLException {
        String prev = HashChain.GENESIS;
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT hash FROM decisions ORDER BY seq DESC LIMIT 1")) {
            if (rs.next()) {
                prev = rs.getString(1);
            } else {
                // Every record archived (retention never takes the newest, but a restored store may): chain on.
                prev = decisionArchives(c).stream()
                        .reduce((a, b) -> b)
                        .map(ArchivedDecisions::lastHash)
                        .orElse(prev);
            }
        }
        Decision sealed = HashChain.seal(decision, prev, chainKey);
        Map<String, String> columns = StoredDecision.columnsOf(sealed);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO decisions (" + String.join(", ", columns.keySet())
                + ", record) VALUES (" + "?, ".repeat(columns.size()) + "?)")) {
            int i = 1;
            for (String value : columns.values()) {
                ps.setString(i++, value);
            }
            ps.setString(i, Json.write(sealed));
            ps.executeUpdate();
        }
        long tokens = sealed.usage().inputTokens() + sealed.usage().outputTokens();
        if (tokens > 0 || (sealed.costUsd() != null && sealed.costUsd() > 0)) {
            try (PreparedStatement ps =
                    c.prepareStatement("INSERT INTO usage_buckets (agent, bucket, tokens, cost_usd) "
                            + "VALUES (?, ?, ?, ?) ON CONFLICT (agent, bucket) DO UPDATE SET tokens = usage_buckets.tokens + "
                            + "excluded.tokens, cost_usd = usage_buckets.cost_usd + excluded.cost_usd")) {
                ps.setString(1, sealed.agent());
                ps.setString(2, bucket(sealed.startedAt().toInstant()).toString());
                ps.setLong(3, tokens);
                ps.setDouble(4, sealed.costUsd() == null ? 0 : sealed.costUsd());
                ps.executeUpdate();
            }
        }
        Faults.point("mid-decision");
        return sealed;
    }

    /** The 15-minute bucket an instant falls in: every time zone's midnight is the start of one. */
    static Instant bucket(Instant t) {
        long quarter = 15 * 60;
        return Instant.ofEpochSecond(Math.floorDiv(t.getEpochSecond(), quarter) * quarter);
    }

    /** Tokens and dollars an agent's beats spent since {@code since} (a bucket start, such as midnight). */
    public record Spending(long tokens, double usd) {}

    public Spending spentSince(String agent, Instant since) {
        return jdbc.read(c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT coalesce(sum(tokens), 0), coalesce(sum(cost_usd), 0) "
                            + "FROM usage_buckets WHERE agent = ? AND bucket >= ?")) {
                ps.setString(1, agent);
                ps.setString(2, bucket(since).toString());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return new Spending(rs.getLong(1), rs.getDouble(2));
                }
            }
        });
    }

    /**
     * The outcome, usage and cost of each of the agent's decisions since an instant, read from the stored records
     * without the rest of them (a day of one-minute beats is 1,440 records); records that cannot be read are left
     * out, as {@link #list} leaves their decision out.
     */
    public List<DecisionStats.Counted> counted(String agent, OffsetDateTime since) {
        return jdbc.read(c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT record FROM decisions WHERE agent = ? AND started_at >= ?")) {
                ps.setString(1, agent);
                ps.setString(2, Jdbc.utc(since));
                List<DecisionStats.Counted> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        try {
                            out.add(DecisionText.counted(rs.getString(1)));
                        } catch (RuntimeException e) {
                            // unreadable: left out, as list() leaves it out
                        }
                    }
                }
                return out;
            }
        });
    }

    /** Decisions newest first, optionally since an instant and of one outcome. */
    public List<StoredDecision> list(@Nullable OffsetDateTime since, Decision.@Nullable Outcome outcome, int limit) {
        return list(null, since, outcome, limit);
    }

    /** Decisions newest first, optionally of one agent, since an instant and of one outcome. */
    public List<StoredDecision> list(
            @Nullable String agent, @Nullable OffsetDateTime since, Decision.@Nullable Outcome outcome, int limit) {
        return newestFirst(agent, since, outcome, limit, DecisionLog::whole);
    }

    /** A decision as a list shows it: its summary, or none where the record cannot be read. */
    public record Listed(long seq, Decision.@Nullable Summary summary) {}

    /** The rows {@link #list} gives, each read as a summary only. */
    public List<Listed> listed(
            @Nullable String agent, @Nullable OffsetDateTime since, Decision.@Nullable Outcome outcome, int limit) {
        return newestFirst(agent, since, outcome, limit, (seq, json) -> {
            try {
                return new Listed(seq, DecisionText.summary(json));
            } catch (RuntimeException e) {
                return new Listed(seq, null);
            }
        });
    }

    /** What a row of {@code seq, record} is read as. */
    private interface RowReader<T> {
        T read(long seq, String json);
    }

    private static StoredDecision whole(long seq, String json) {
        return new StoredDecision(seq, json, parse(json));
    }

    private <T> List<T> newestFirst(
            @Nullable String agent,
            @Nullable OffsetDateTime since,
            Decision.@Nullable Outcome outcome,
            int limit,
            RowReader<T> reader) {
        StringBuilder sql = new StringBuilder("SELECT seq, record FROM decisions WHERE 1 = 1");
        if (agent != null) {
            sql.append(" AND agent = ?");
        }
        if (since != null) {
            sql.append(" AND started_at >= ?");
        }
        if (outcome != null) {
            sql.append(" AND outcome = ?");
        }
        sql.append(" ORDER BY seq DESC LIMIT ?");
        return jdbc.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                int i = 1;
                if (agent != null) {
                    ps.setString(i++, agent);
                }
                if (since != null) {
                    ps.setString(i++, Jdbc.utc(since));
                }
                if (outcome != null) {
                    ps.setString(i++, outcome.wire());
                }
                ps.setInt(i, limit);
                return rows(ps, reader);
            }
        });
    }

    /** The decision with this id, or the only one whose id starts with it. */
    public Optional<StoredDecision> find(String idOrPrefix) {
        return jdbc.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT seq, record FROM decisions WHERE id = ? OR id LIKE ? ORDER BY seq LIMIT 2")) {
                ps.setString(1, idOrPrefix);
                ps.setString(2, idOrPrefix.replace("%", "").replace("_", "") + "%");
                List<StoredDecision> rows = rows(ps, DecisionLog::whole);
                if (rows.size() == 1) {
                    return Optional.of(rows.get(0));
                }
                return rows.stream()
                        .filter(r -> r.decision() != null && r.decision().id().equals(idOrPrefix))
                        .findFirst();
            }
        });
    }

    /**
     * How many of the agent's newest decisions failed in a row, skipped ones not counted and not ending the
     * run: one row read, whatever the log's length.
     */
    public long failedInARow(String agent) {
        return jdbc.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM decisions WHERE agent = ? "
                    + "AND outcome = 'failed' AND seq > coalesce((SELECT seq FROM decisions WHERE agent = ? "
                    + "AND outcome NOT IN ('failed', 'skipped') ORDER BY seq DESC LIMIT 1), 0)")) {
                ps.setString(1, agent);
                ps.setString(2, agent);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    /** How many decisions have an id starting with {@code prefix}. */
    public int countStartingWith(String prefix) {
        return jdbc.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM decisions WHERE id LIKE ?")) {
                ps.setString(1, prefix.replace("%", "").replace("_", "") + "%");
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    /** The newest decision's place, id and hash: the head of the chain, if there is one. */
    public Optional<HeadAnchor.Head> head() {
        return jdbc.read(c -> {
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT seq, id, hash FROM decisions ORDER BY seq DESC LIMIT 1")) {
                return rs.next()
                        ? Optional.of(new HeadAnchor.Head(rs.getLong(1), rs.getString(2), rs.getString(3)))
                        : Optional.<HeadAnchor.Head>empty();
            }
        });
    }

    /**
     * Hands the log's records to {@code visitor} in chain order, one at a time from a cursor, until it answers
     * false: memory flat in the log's length ({@code decisions verify} of a long log).
     */
    public void walkChain(Predicate<StoredDecision> visitor) {
        jdbc.readCursor(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT seq, record, "
                    + String.join(", ", StoredDecision.COLUMNS) + " FROM decisions ORDER BY seq")) {
                ps.setFetchSize(256);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (!visitor.test(row(rs))) {
                            break;
                        }
                    }
                }
            }
            return Boolean.TRUE;
        });
    }

    private static StoredDecision row(ResultSet rs) throws SQLException {
        Map<String, String> columns = new LinkedHashMap<>();
        for (int i = 0; i < StoredDecision.COLUMNS.size(); i++) {
            columns.put(StoredDecision.COLUMNS.get(i), rs.getString(3 + i));
        }
        String json = rs.getString(2);
        return new StoredDecision(rs.getLong(1), json, parse(json), columns);
    }

    private static List<StoredDecision> decisionsWithColumns(PreparedStatement ps) throws SQLException {
        List<StoredDecision> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(row(rs));
            }
        }
        return out;
    }

    /** When the log's oldest record in the store finished: one look, so retention is cheap when nothing is due. */
    public Optional<OffsetDateTime> oldestFinished() {
        return jdbc.read(c -> {
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT finished_at FROM decisions ORDER BY seq LIMIT 1")) {
                return rs.next()
                        ? Optional.of(OffsetDateTime.parse(rs.getString(1)))
                        : Optional.<OffsetDateTime>empty();
            }
        });
    }

    /** The oldest decisions in chain order, never the newest one (the next record chains on from it). */
    public List<StoredDecision> oldest(int limit) {
        return jdbc.read(c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT seq, record, " + String.join(", ", StoredDecision.COLUMNS)
                            + " FROM decisions WHERE seq < (SELECT max(seq) FROM decisions) ORDER BY seq LIMIT ?")) {
                ps.setInt(1, limit);
                return decisionsWithColumns(ps);
            }
        });
    }

    /**
     * Records an archive and removes what it holds, in one transaction: its decisions, and the crash-recovery
     * rows of their beats (started rows and events), which a recorded decision no longer needs.
     */
    public void archive(ArchivedDecisions archive, List<String> beatIds, String throughStartedAt) {
        byte[] key = chainKey;
        String seal = key == null
                ? null
                : HashChain.KEYED + HexFormat.of().formatHex(HashChain.hmacSha256(key, archive.sealText()));
        jdbc.update(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO decision_archives (first_seq, through_seq, "
                    + "records, first_prev, last_hash, file, file_sha256, seal, archived_at, through_started_at) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setLong(1, archive.firstSeq());
                ps.setLong(2, archive.throughSeq());
                ps.setInt(3, archive.records());
                ps.setString(4, archive.firstPrev());
                ps.setString(5, archive.lastHash());
                ps.setString(6, archive.file());
                ps.setString(7, archive.fileSha256());
                ps.setString(8, seal);
                ps.setString(9, archive.archivedAt());
                ps.setString(10, throughStartedAt);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM decisions WHERE seq >= ? AND seq <= ?")) {
                ps.setLong(1, archive.firstSeq());
                ps.setLong(2, archive.throughSeq());
                ps.executeUpdate();
            }
            for (String table : List.of("beat_events", "beats_started")) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE beat_id = ?")) {
                    for (String id : beatIds) {
                        ps.setString(1, id);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
        });
    }

    /** The archives of decisions moved out of the store, oldest first. */
    public List<ArchivedDecisions> archives() {
        return jdbc.read(DecisionLog::decisionArchives);
    }

    private static List<ArchivedDecisions> decisionArchives(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT first_seq, through_seq, records, first_prev, last_hash, file, "
                        + "file_sha256, seal, archived_at FROM decision_archives ORDER BY through_seq, id")) {
            List<ArchivedDecisions> out = new ArrayList<>();
            while (rs.next()) {
                out.add(new ArchivedDecisions(
                        rs.getLong(1),
                        rs.getLong(2),
                        rs.getInt(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6),
                        rs.getString(7),
                        rs.getString(8),
                        rs.getString(9)));
            }
            return out;
        }
    }

    static @Nullable Decision parse(String json) {
        try {
            return JsonRecords.read(json, Decision.class);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The rows of {@code seq, record} the statement selects, each as {@code reader} reads it. */
    private static <T> List<T> rows(PreparedStatement ps, RowReader<T> reader) throws SQLException {
        List<T> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(reader.read(rs.getLong(1), rs.getString(2)));
            }
        }
        return out;
    }
}
