-- A notification raised outside its channel's deliver-hours waits here, each agent's and channel's apart, for the
-- one digest sent when the window opens.
CREATE TABLE held_notifications (
    id        ${id},
    agent     TEXT NOT NULL,
    channel   TEXT NOT NULL,
    severity  TEXT NOT NULL,
    text      TEXT NOT NULL,
    beat_id   TEXT NOT NULL,
    held_at   TEXT NOT NULL
);
CREATE INDEX held_notifications_by_channel ON held_notifications (agent, channel, id);
