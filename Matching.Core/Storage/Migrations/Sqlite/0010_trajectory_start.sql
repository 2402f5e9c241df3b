-- The trajectory's start as a column (issue 13, registered intakes): the price job finds the newcomers who reach the
-- fourth pillar within its horizon, and those who reached it in its window, without reading every document.
-- Documents stored before it have no trajectoryStart (null: already in the fourth pillar).
ALTER TABLE newcomers ADD COLUMN trajectory_start TEXT NULL;
UPDATE newcomers SET trajectory_start = json_extract(document, '$.trajectoryStart');
CREATE INDEX ix_newcomers_trajectory_start ON newcomers (trajectory_start);
