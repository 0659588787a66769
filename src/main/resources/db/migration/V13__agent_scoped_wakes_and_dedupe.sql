-- Several agents share one store: a wake request is for one agent, and a notification one agent sent does not
-- keep another's from going out. Rows from before have no agent: any agent takes such a wake, and such a
-- sent notification counts for every agent within its dedupe window.
ALTER TABLE wake_requests ADD COLUMN agent TEXT;
ALTER TABLE notifications_sent ADD COLUMN agent TEXT;
CREATE INDEX wake_requests_open ON wake_requests (taken_at, agent);
