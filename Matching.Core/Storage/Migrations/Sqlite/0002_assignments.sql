-- Allocation proposals: stored so that a coordinator can review one and confirm it whole.
CREATE TABLE assignments (
    id               TEXT PRIMARY KEY,
    mode             TEXT NOT NULL CHECK (mode IN ('optimal', 'stable', 'greedy')),
    profile_name     TEXT NOT NULL,
    profile_version  INTEGER NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('proposed', 'confirmed')),
    document         TEXT NOT NULL,
    created_by       TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    confirmed_at     TEXT NULL
);
