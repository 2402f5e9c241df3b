-- Prices per offer place (issue 13): one row per computation, the latest is current, so that every instance reads the
-- same prices instead of computing its own. inputs and prices are JSON documents (ids and numbers only).
CREATE TABLE place_prices (
    id           TEXT PRIMARY KEY,
    computed_at  TEXT NOT NULL,
    computed_by  TEXT NOT NULL,
    inputs       TEXT NOT NULL,
    prices       TEXT NOT NULL
);
CREATE INDEX ix_place_prices_computed_at ON place_prices (computed_at);

-- The dynamic allocation mode (the batch maximises Σ(score − price)) is stored like the others. SQLite cannot change a
-- CHECK in place: the table is rebuilt with the same columns and rows.
CREATE TABLE assignments_new (
    id               TEXT PRIMARY KEY,
    mode             TEXT NOT NULL CHECK (mode IN ('optimal', 'stable', 'greedy', 'dynamic')),
    profile_name     TEXT NOT NULL,
    profile_version  INTEGER NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('proposed', 'confirmed')),
    document         TEXT NOT NULL,
    created_by       TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    confirmed_at     TEXT NULL
);
INSERT INTO assignments_new (id, mode, profile_name, profile_version, status, document, created_by, created_at, confirmed_at)
SELECT id, mode, profile_name, profile_version, status, document, created_by, created_at, confirmed_at FROM assignments;
DROP TABLE assignments;
ALTER TABLE assignments_new RENAME TO assignments;
