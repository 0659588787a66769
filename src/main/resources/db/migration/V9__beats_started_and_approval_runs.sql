-- Every beat on record from its first step: a row written before the beat does anything else (for a
-- daemon's tick in the same transaction as its fence), so a beat that dies at any point, even before
-- its first model reply, is found by the next start and completed with a decision. The trigger is kept
-- here, so the record of an interrupted beat says how it was asked for instead of guessing.
CREATE TABLE beats_started (
    beat_id      TEXT PRIMARY KEY,
    agent        TEXT NOT NULL,
    trigger_type TEXT NOT NULL,
    node         TEXT,
    scheduled_at TEXT,
    started_at   TEXT NOT NULL
);
CREATE INDEX beats_started_by_agent ON beats_started (agent, started_at);

-- The beat that started an approved call. The request is 'running' from the transaction that commits
-- the call's intent; a crash leaves it so, and the next beat closes it as 'outcome_unknown', never
-- running it again.
ALTER TABLE approvals ADD COLUMN beat_run TEXT;

-- What a running beat did, on record the moment it happened (each model call with its tokens, each tool
-- call, each notification), so the decision of a beat killed midway shows what the store knows happened
-- and its tokens count against the budget.
CREATE TABLE beat_events (
    id         ${id},
    beat_id    TEXT NOT NULL,
    kind       TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX beat_events_by_beat ON beat_events (beat_id, id);

-- State keys a beat set after it had read untrusted content: their values came (or may have come) from
-- that content, so later beats show them as data and keep consequential tools gated while they are in
-- the request. A key set again by a beat that read nothing untrusted is clean again.
CREATE TABLE tainted_state (
    agent     TEXT NOT NULL,
    state_key TEXT NOT NULL,
    beat_id   TEXT NOT NULL,
    marked_at TEXT NOT NULL,
    PRIMARY KEY (agent, state_key)
);

-- Webhook notifications waiting to be delivered: written before the first attempt, retried with backoff
-- (honouring Retry-After) until delivered or given up on (a dead letter). The channel is named, not its
-- URL, so a token in the URL is never stored. 'reported': a later beat's decision has told of its end.
CREATE TABLE outbox (
    id              ${id},
    agent           TEXT NOT NULL,
    beat_id         TEXT NOT NULL,
    channel         TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    severity        TEXT NOT NULL,
    body            TEXT NOT NULL,
    attempts        INTEGER NOT NULL,
    status          TEXT NOT NULL,
    next_at         TEXT NOT NULL,
    last_error      TEXT,
    reported        INTEGER NOT NULL,
    created_at      TEXT NOT NULL,
    done_at         TEXT
);
CREATE INDEX outbox_due ON outbox (agent, status, next_at);
CREATE INDEX outbox_unreported ON outbox (agent, reported);

-- A summary made from turns that held untrusted content is itself untrusted: it rides in the system prompt
-- marked as data, and keeps consequential tools gated.
ALTER TABLE session_summaries ADD COLUMN untrusted INTEGER NOT NULL DEFAULT 0;

-- What each agent spent, in 15-minute buckets (UTC): a day's total for the budget is a sum over at most
-- 96 rows in any time zone, kept up in the decision's own transaction, instead of reading the day's records.
CREATE TABLE usage_buckets (
    agent      TEXT NOT NULL,
    bucket     TEXT NOT NULL,
    tokens     BIGINT NOT NULL,
    cost_usd   DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (agent, bucket)
);
