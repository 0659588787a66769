-- Beats that stored messages or intents but no decision (a crash) are found through this index.
CREATE INDEX messages_by_beat ON messages (beat_id);

-- Notifications sent, by channel and text hash: the same text to the same channel within the
-- dedupe window is suppressed.
CREATE TABLE notifications_sent (
    id        ${id},
    channel   TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    sent_at   TEXT NOT NULL
);
CREATE INDEX notifications_sent_by_text ON notifications_sent (channel, text_hash, sent_at);
