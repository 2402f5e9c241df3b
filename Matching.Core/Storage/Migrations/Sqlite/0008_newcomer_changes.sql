-- The change feed carries newcomers too: every instance keeps an in-memory newcomer index, so a newcomer written,
-- erased or placed on one instance is reloaded on the others ('newcomers' asks for a reload of all, after a large
-- import). SQLite cannot alter a CHECK constraint: the table is copied into one with the wider check.
CREATE TABLE changes_new (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    at            TEXT NOT NULL,
    subject_type  TEXT NOT NULL CHECK (subject_type IN ('offer', 'profile', 'newcomer', 'newcomers')),
    subject_id    TEXT NOT NULL
);
INSERT INTO changes_new (seq, at, subject_type, subject_id) SELECT seq, at, subject_type, subject_id FROM changes;
DROP TABLE changes;
ALTER TABLE changes_new RENAME TO changes;
-- An erasure deletes the feed rows that name the newcomer: found by this index, not by a scan of the feed.
CREATE INDEX ix_changes_newcomer ON changes (subject_id) WHERE subject_type = 'newcomer';
