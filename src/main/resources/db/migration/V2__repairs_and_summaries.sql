-- Every action a repair took on a session: which revision it produced, the rule, the messages it
-- touched and their content before and after (JSON). Nothing a repair removes is lost.
CREATE TABLE session_repairs (
    id          ${id},
    session     TEXT NOT NULL,
    revision    INTEGER NOT NULL,
    beat_id     TEXT,
    rule        TEXT NOT NULL,
    detail      TEXT NOT NULL,
    message_ids TEXT NOT NULL,
    before_json TEXT,
    after_json  TEXT,
    created_at  TEXT NOT NULL
);
CREATE INDEX session_repairs_by_session ON session_repairs (session, revision);

-- Compacted context: a summary standing for every message of the session up to a message id.
CREATE TABLE session_summaries (
    id          ${id},
    session     TEXT NOT NULL,
    revision    INTEGER NOT NULL,
    covers_to   INTEGER NOT NULL,
    method      TEXT NOT NULL,
    text        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX session_summaries_by_session ON session_summaries (session, revision, covers_to);
