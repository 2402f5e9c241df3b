-- Reconciliation (GET /api/v1/newcomers and /api/v1/offers with changedSince): every write of a newcomer or an offer
-- document takes the next number of one counter, in the same transaction. The counter is a row, so a writer holds its
-- lock until it commits: numbers become visible in commit order, and a client paging by change_seq never passes a
-- number that a slower transaction commits later (a sequence would hand numbers out before commit).
CREATE TABLE change_counter (
    id     BIGINT PRIMARY KEY CHECK (id = 1),
    value  BIGINT NOT NULL
);

ALTER TABLE newcomers ADD COLUMN change_seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE offers ADD COLUMN change_seq BIGINT NOT NULL DEFAULT 0;

-- Rows stored before this migration get numbers in the order they were last written, newcomers first.
UPDATE newcomers SET change_seq = r.n
FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY updated_at, id) AS n FROM newcomers) r WHERE newcomers.id = r.id;
UPDATE offers SET change_seq = r.n + (SELECT COUNT(*) FROM newcomers)
FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY updated_at, id) AS n FROM offers) r WHERE offers.id = r.id;
INSERT INTO change_counter (id, value) VALUES (1, (SELECT COUNT(*) FROM newcomers) + (SELECT COUNT(*) FROM offers));

CREATE UNIQUE INDEX ix_newcomers_change_seq ON newcomers (change_seq);
CREATE UNIQUE INDEX ix_offers_change_seq ON offers (change_seq);

-- An erased newcomer leaves only the SHA-256 of its id and the number of the erasure, so that a reconciling client learns of it;
-- pruned after 30 days (ChangeFeed.ErasureRetention), after which a client that far behind must resync in full.
CREATE TABLE erasures (
    change_seq  BIGINT PRIMARY KEY,
    id          TEXT NOT NULL,
    at          TEXT NOT NULL
);
