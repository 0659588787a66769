-- Requests for a beat now ('heartbeat-agent wake'), taken by whichever daemon polls first.
CREATE TABLE wake_requests (
    id           ${id},
    reason       TEXT,
    requested_at TEXT NOT NULL,
    taken_at     TEXT,
    taken_by     TEXT
);
