-- Which process wrote a change-feed row (a random number drawn at start, no personal data): a process has already
-- applied its own writes to its index after commit, so its feed reads only the other instances' rows. Rows written
-- before this migration have none and are applied by everyone, as before.
ALTER TABLE changes ADD COLUMN origin BIGINT;
