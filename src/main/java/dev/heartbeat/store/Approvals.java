package dev.heartbeat.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Calls waiting for a person: requested by a beat, decided with `approvals approve|deny`, run by a later beat
 * under an intent taken in the same transaction as the move to `running`, so an approved call never runs twice.
 */
public final class Approvals {
    private final Jdbc jdbc;

    Approvals(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** A tool call waiting for (or decided by) a person. */
    public record Approval(
            String id,
            String agent,
            String beatId,
            String callId,
            String tool,
            String arguments,
            String why,
            ApprovalStatus status,
            OffsetDateTime createdAt,
            OffsetDateTime expiresAt,
            @Nullable OffsetDateTime decidedAt,
            @Nullable String decidedBy,
            @Nullable String note,
            @Nullable String result) {}

    public void requestApproval(Approval a) {
        jdbc.update(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO approvals (id, agent, beat_id, call_id, "
                            + "tool, arguments, why, status, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)")) {
                ps.setString(1, a.id());
                ps.setString(2, a.agent());
                ps.setString(3, a.beatId());
                ps.setString(4, a.callId());
                ps.setString(5, a.tool());
                ps.setString(6, a.arguments());
                ps.setString(7, a.why());
                ps.setString(8, Jdbc.utc(a.createdAt()));
                ps.setString(9, Jdbc.utc(a.expiresAt()));
                ps.executeUpdate();
            }
        });
    }

    /** Approvals of an agent, newest first; pending ones past their expiry read as expired. */
    public List<Approval> list(String agent, boolean all) {
        return jdbc.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id, agent, beat_id, call_id, tool, arguments, "
                    + "why, status, created_at, expires_at, decided_at, decided_by, note, result FROM approvals "
                    + "WHERE agent = ?" + (all ? "" : " AND status IN ('pending', 'approved', 'denied', 'running')")
                    + " ORDER BY created_at DESC")) {
                ps.setString(1, agent);
                List<Approval> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        OffsetDateTime expires = OffsetDateTime.parse(rs.getString(10));
                        ApprovalStatus status = ApprovalStatus.fromWire(rs.getString(8));
                        if (status == ApprovalStatus.PENDING && !expires.isAfter(OffsetDateTime.now(jdbc.clock()))) {
                            status = ApprovalStatus.EXPIRED;
                        }
                        out.add(new Approval(
                                rs.getString(1),
                                rs.getString(2),
                                rs.getString(3),
                                rs.getString(4),
                                rs.getString(5),
                                rs.getString(6),
                                rs.getString(7),
                                status,
                                OffsetDateTime.parse(rs.getString(9)),
                                expires,
                                rs.getString(11) == null ? null : OffsetDateTime.parse(rs.getString(11)),
                                rs.getString(12),
                                rs.getString(13),
                                rs.getString(14)));
                    }
                }
                return out;
            }
        });
    }

    /** Approves or denies a pending, unexpired request; false when there is none with that id. */
    public boolean decideApproval(String id, boolean approve, String by, @Nullable String note) {
        return jdbc.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE approvals SET status = ?, decided_at = ?, "
                    + "decided_by = ?, note = ? WHERE id = ? AND status = 'pending' AND expires_at > ?")) {
                ps.setString(1, (approve ? ApprovalStatus.APPROVED : ApprovalStatus.DENIED).wire());
                ps.setString(2, jdbc.now());
                ps.setString(3, by);
                ps.setString(4, note);
                ps.setString(5, id);
                ps.setString(6, jdbc.now());
                return ps.executeUpdate() == 1;
            }
        });
    }

    /**
     * Starts running an approved call: the request moves to {@code running} in the same transaction as
     * the call's intent (when it has side effects), so a crash from here on leaves it running, never
     * approved again. False when the request is no longer approved (another beat took it).
     */
    public boolean startApproved(
            String approvalId, String beatId, String callId, String tool, String arguments, boolean sideEffecting) {
        return jdbc.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE approvals SET status = 'running', beat_run = ? "
                    + "WHERE id = ? AND status = 'approved'")) {
                ps.setString(1, beatId);
                ps.setString(2, approvalId);
                if (ps.executeUpdate() != 1) {
                    return false;
                }
            }
            if (sideEffecting) {
                Intents.insert(c, beatId, callId, tool, arguments, jdbc.now());
            }
            return true;
        });
    }

    /** Closes a decided (or expired) request once the beat has acted on it and told the model. */
    public void closeApproval(String id, ApprovalStatus status, @Nullable String result) {
        jdbc.update(c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("UPDATE approvals SET status = ?, result = ?, done_at = ? WHERE id = ?")) {
                ps.setString(1, status.wire());
                ps.setString(2, result);
                ps.setString(3, jdbc.now());
                ps.setString(4, id);
                ps.executeUpdate();
            }
        });
    }
}
