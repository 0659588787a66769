-- Tool calls that wait for a person: pending until approved, denied or expired; an approved call
-- runs at the next beat and its outcome is recorded here and told to the model.
CREATE TABLE approvals (
    id          TEXT PRIMARY KEY,
    agent       TEXT NOT NULL,
    beat_id     TEXT NOT NULL,
    call_id     TEXT NOT NULL,
    tool        TEXT NOT NULL,
    arguments   TEXT NOT NULL,
    why         TEXT NOT NULL,
    status      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    decided_at  TEXT,
    decided_by  TEXT,
    note        TEXT,
    result      TEXT,
    done_at     TEXT
);
CREATE INDEX approvals_by_status ON approvals (agent, status);
