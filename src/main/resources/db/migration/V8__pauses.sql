-- The kill switch kept in the store: while an agent has a row here, each of its beats, on every node
-- that shares the database, is skipped and recorded with this reason. 'pause' writes it when the store
-- is shared (PostgreSQL); a single node keeps using the PAUSE file in its state folder.
CREATE TABLE pauses (
    agent      TEXT PRIMARY KEY,
    reason     TEXT,
    paused_at  TEXT NOT NULL,
    paused_by  TEXT
);
