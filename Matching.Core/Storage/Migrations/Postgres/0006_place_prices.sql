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

-- The dynamic allocation mode (the batch maximises Σ(score − price)) is stored like the others.
ALTER TABLE assignments DROP CONSTRAINT assignments_mode_check;
ALTER TABLE assignments ADD CONSTRAINT assignments_mode_check CHECK (mode IN ('optimal', 'stable', 'greedy', 'dynamic'));
