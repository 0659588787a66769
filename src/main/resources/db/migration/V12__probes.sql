-- Probes: each one's last result (reused until it is due again) and the fingerprint the model was last shown,
-- so a beat calls the model only when something changed since the model last looked.
CREATE TABLE probes (
    agent             TEXT NOT NULL,
    name              TEXT NOT NULL,
    fingerprint       TEXT,
    result            TEXT,
    error             TEXT,
    ran_at            TEXT NOT NULL,
    seen_fingerprint  TEXT,
    PRIMARY KEY (agent, name)
);

-- When a beat last showed the model the probes' results: heartbeat.max-silence counts from here.
CREATE TABLE probe_looks (
    agent     TEXT PRIMARY KEY,
    looked_at TEXT NOT NULL
);
