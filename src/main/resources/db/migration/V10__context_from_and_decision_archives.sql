-- Where the next beat starts reading the session: every turn before this message id is folded into the
-- summary or was never going to be sent (quiet or unanswered), so a beat does not load the whole revision.
-- 0 means "read it all"; a new revision resets it, since its rows have new ids.
ALTER TABLE sessions ADD COLUMN context_from BIGINT NOT NULL DEFAULT 0;

-- Decisions moved out of the store by audit.retention: the archive file (relative to the state folder)
-- holds records first_seq..through_seq as stored; the store's oldest record chains on from last_hash.
-- seal: HMAC over the row under the chain key when there is one, so a row cannot be forged to hide
-- records removed from the start of the log. through_started_at: the latest start among the archived
-- beats; crash recovery looks only at what began after it (archived beats left messages, not decisions).
CREATE TABLE decision_archives (
    id          ${id},
    first_seq   BIGINT NOT NULL,
    through_seq BIGINT NOT NULL,
    records     INTEGER NOT NULL,
    first_prev  TEXT NOT NULL,
    last_hash   TEXT NOT NULL,
    file        TEXT NOT NULL,
    file_sha256 TEXT NOT NULL,
    seal        TEXT,
    archived_at TEXT NOT NULL,
    through_started_at TEXT NOT NULL
);
