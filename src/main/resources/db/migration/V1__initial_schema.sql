-- Sessions and their messages. Messages are append-only: a repair writes a new revision of the
-- session's history as new rows and moves sessions.revision; older rows stay, superseded.
CREATE TABLE sessions (
    name        TEXT PRIMARY KEY,
    revision    INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE TABLE messages (
    id          ${id},
    session     TEXT NOT NULL REFERENCES sessions (name),
    revision    INTEGER NOT NULL,
    role        TEXT NOT NULL,
    body        TEXT NOT NULL,
    beat_id     TEXT,
    created_at  TEXT NOT NULL
);
CREATE INDEX messages_by_session ON messages (session, revision, id);

-- Text read for a session that could not be understood (a torn line, garbage): kept, never lost.
CREATE TABLE session_raw (
    id          ${id},
    session     TEXT NOT NULL,
    source      TEXT,
    line        INTEGER,
    raw         TEXT NOT NULL,
    problem     TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

-- The decision log: one row per beat, each hash-chained to the one before.
CREATE TABLE decisions (
    seq          ${id},
    id           TEXT NOT NULL UNIQUE,
    agent        TEXT NOT NULL,
    session      TEXT NOT NULL,
    trigger_type TEXT NOT NULL,
    outcome      TEXT NOT NULL,
    started_at   TEXT NOT NULL,
    finished_at  TEXT NOT NULL,
    record       TEXT NOT NULL,
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL
);
CREATE INDEX decisions_by_start ON decisions (started_at);

-- The agent's persistent key-value state (get_state / set_state).
CREATE TABLE state (
    agent       TEXT NOT NULL,
    key         TEXT NOT NULL,
    value       TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (agent, key)
);

-- Side-effecting tool calls: the intent is committed before the tool runs, the result after.
CREATE TABLE tool_intents (
    beat_id     TEXT NOT NULL,
    call_id     TEXT NOT NULL,
    tool        TEXT NOT NULL,
    arguments   TEXT NOT NULL,
    status      TEXT NOT NULL,
    result      TEXT,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    PRIMARY KEY (beat_id, call_id)
);
