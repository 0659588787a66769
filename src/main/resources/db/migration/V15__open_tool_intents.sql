-- The side effects a beat began and never finished, for the look at every beat's start for beats a crash cut
-- short: without it that look read every row of tool_intents, each call's arguments and result, at every beat.
-- Partial: only the few open ones are in it.
CREATE INDEX tool_intents_open ON tool_intents (started_at) WHERE status = 'started';
