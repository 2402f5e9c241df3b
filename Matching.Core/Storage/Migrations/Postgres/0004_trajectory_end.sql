-- The trajectory end as a column, so that the retention job finds newcomers whose trajectory ended long ago.
ALTER TABLE newcomers ADD COLUMN trajectory_end TEXT NULL;
UPDATE newcomers SET trajectory_end = (document::json ->> 'trajectoryEnd');
CREATE INDEX ix_newcomers_trajectory_end ON newcomers (trajectory_end);
