-- Where the next beat starts reading the session: every turn before this message id is folded into the
-- summary or was never going to be sent (quiet or unanswered), so a beat does not load the whole revision.
-- 0 means "read it all"; a new revision resets it, since its rows have new ids.
ALTER TABLE sessions ADD COLUMN context_from BIGINT NOT NULL DEFAULT 0;
