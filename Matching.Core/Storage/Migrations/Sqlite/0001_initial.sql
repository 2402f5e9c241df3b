-- The first schema. Newcomers hold only the caller's pseudonymous id and matching attributes (as a validated JSON
-- document); matches outlive an erased newcomer as anonymous outcome rows (newcomer_id set to NULL).
CREATE TABLE newcomers (
    id          TEXT PRIMARY KEY,
    document    TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE TABLE offers (
    id          TEXT PRIMARY KEY,
    document    TEXT NOT NULL,
    kind        TEXT NOT NULL,
    setting     TEXT NOT NULL,
    place       TEXT NULL,
    capacity    INTEGER NOT NULL CHECK (capacity > 0),
    deleted     INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX ix_offers_kind ON offers (deleted, kind);

CREATE TABLE matches (
    id               TEXT PRIMARY KEY,
    newcomer_id      TEXT NULL REFERENCES newcomers (id) ON DELETE SET NULL,
    offer_id         TEXT NOT NULL REFERENCES offers (id),
    status           TEXT NOT NULL CHECK (status IN ('proposed', 'accepted', 'started', 'completed', 'stopped', 'declined')),
    hours_done       INTEGER NULL CHECK (hours_done IS NULL OR hours_done BETWEEN 0 AND 1000),
    reason           TEXT NULL,
    override_reason  TEXT NULL,
    score            REAL NULL,
    profile_name     TEXT NULL,
    profile_version  INTEGER NULL,
    created_by       TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    accepted_at      TEXT NULL,
    started_at       TEXT NULL,
    ended_at         TEXT NULL
);
CREATE INDEX ix_matches_offer_status ON matches (offer_id, status);
CREATE INDEX ix_matches_newcomer ON matches (newcomer_id, status);

-- The database itself never lets an offer hold more accepted or started matches than its capacity, whatever the
-- application or another instance does.
CREATE TRIGGER matches_capacity_on_update
BEFORE UPDATE OF status ON matches
WHEN NEW.status IN ('accepted', 'started') AND OLD.status NOT IN ('accepted', 'started')
BEGIN
    SELECT RAISE(ABORT, 'capacity exceeded')
    WHERE (SELECT COUNT(*) FROM matches WHERE offer_id = NEW.offer_id AND status IN ('accepted', 'started'))
          >= (SELECT capacity FROM offers WHERE id = NEW.offer_id);
END;

CREATE TRIGGER matches_capacity_on_insert
BEFORE INSERT ON matches
WHEN NEW.status IN ('accepted', 'started')
BEGIN
    SELECT RAISE(ABORT, 'capacity exceeded')
    WHERE (SELECT COUNT(*) FROM matches WHERE offer_id = NEW.offer_id AND status IN ('accepted', 'started'))
          >= (SELECT capacity FROM offers WHERE id = NEW.offer_id);
END;

CREATE TRIGGER offers_capacity_not_below_held
BEFORE UPDATE OF capacity ON offers
BEGIN
    SELECT RAISE(ABORT, 'capacity below held places')
    WHERE NEW.capacity < (SELECT COUNT(*) FROM matches WHERE offer_id = NEW.id AND status IN ('accepted', 'started'));
END;

CREATE TABLE weight_profiles (
    name        TEXT PRIMARY KEY,
    version     INTEGER NOT NULL CHECK (version >= 1),
    document    TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

-- Who (the API key's name), what (action and ids) and when; never a personal attribute.
CREATE TABLE audit (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    at            TEXT NOT NULL,
    actor         TEXT NOT NULL,
    action        TEXT NOT NULL,
    subject_type  TEXT NOT NULL,
    subject_id    TEXT NULL,
    detail        TEXT NULL
);
CREATE INDEX ix_audit_subject ON audit (subject_type, subject_id);
