-- The provider's own message beside the normalised one: a reply's JSON exactly as the API sent it (bounded,
-- secrets masked), so what the model answered can be read as it came. Copied into a repair's new revision.
ALTER TABLE messages ADD COLUMN raw TEXT;
