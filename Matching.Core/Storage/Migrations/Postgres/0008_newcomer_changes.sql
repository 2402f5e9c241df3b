-- The change feed carries newcomers too: every instance keeps an in-memory newcomer index, so a newcomer written,
-- erased or placed on one instance is reloaded on the others ('newcomers' asks for a reload of all, after a large
-- import).
ALTER TABLE changes DROP CONSTRAINT IF EXISTS changes_subject_type_check;
ALTER TABLE changes ADD CONSTRAINT changes_subject_type_check CHECK (subject_type IN ('offer', 'profile', 'newcomer', 'newcomers'));
-- An erasure deletes the feed rows that name the newcomer: found by this index, not by a scan of the feed.
CREATE INDEX ix_changes_newcomer ON changes (subject_id) WHERE subject_type = 'newcomer';
