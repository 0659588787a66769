-- The fence: one row per agent and scheduled instant, inserted before a beat starts. An insert that
-- conflicts means this tick already ran (on another node, or from a second scheduler that should not
-- exist), and the beat does not run again. It also says which node ran which beat.
CREATE TABLE beat_fence (
    agent        TEXT NOT NULL,
    scheduled_at TEXT NOT NULL,
    beat_id      TEXT NOT NULL,
    node         TEXT NOT NULL,
    taken_at     TEXT NOT NULL,
    PRIMARY KEY (agent, scheduled_at)
);
CREATE INDEX beat_fence_by_beat ON beat_fence (beat_id);
CREATE INDEX beat_fence_by_taken ON beat_fence (agent, taken_at);
