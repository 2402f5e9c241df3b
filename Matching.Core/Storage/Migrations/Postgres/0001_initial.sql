-- The first schema (PostgreSQL); the same tables and rules as the SQLite schema, in PostgreSQL's dialect.
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
    capacity    BIGINT NOT NULL CHECK (capacity > 0),
    deleted     BIGINT NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX ix_offers_kind ON offers (deleted, kind);

CREATE TABLE matches (
    id               TEXT PRIMARY KEY,
    newcomer_id      TEXT NULL REFERENCES newcomers (id) ON DELETE SET NULL,
    offer_id         TEXT NOT NULL REFERENCES offers (id),
    status           TEXT NOT NULL CHECK (status IN ('proposed', 'accepted', 'started', 'completed', 'stopped', 'declined')),
    hours_done       BIGINT NULL CHECK (hours_done IS NULL OR hours_done BETWEEN 0 AND 1000),
    reason           TEXT NULL,
    override_reason  TEXT NULL,
    score            DOUBLE PRECISION NULL,
    profile_name     TEXT NULL,
    profile_version  BIGINT NULL,
    created_by       TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    accepted_at      TEXT NULL,
    started_at       TEXT NULL,
    ended_at         TEXT NULL
);
CREATE INDEX ix_matches_offer_status ON matches (offer_id, status);
CREATE INDEX ix_matches_newcomer ON matches (newcomer_id, status);

-- The database never lets an offer hold more accepted or started matches than its capacity. The function locks
-- the offer's row first, so two instances accepting at once are serialised on it (READ COMMITTED alone would let
-- both counts miss the other's insert).
CREATE FUNCTION matches_capacity_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    cap BIGINT;
    held BIGINT;
BEGIN
    IF NEW.status IN ('accepted', 'started') AND (TG_OP = 'INSERT' OR OLD.status NOT IN ('accepted', 'started')) THEN
        SELECT capacity INTO cap FROM offers WHERE id = NEW.offer_id FOR UPDATE;
        SELECT COUNT(*) INTO held FROM matches WHERE offer_id = NEW.offer_id AND status IN ('accepted', 'started') AND id <> NEW.id;
        IF held >= cap THEN
            RAISE EXCEPTION 'capacity exceeded' USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER matches_capacity
BEFORE INSERT OR UPDATE OF status ON matches
FOR EACH ROW EXECUTE FUNCTION matches_capacity_guard();

CREATE FUNCTION offers_capacity_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.capacity < (SELECT COUNT(*) FROM matches WHERE offer_id = NEW.id AND status IN ('accepted', 'started')) THEN
        RAISE EXCEPTION 'capacity below held places' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER offers_capacity_not_below_held
BEFORE UPDATE OF capacity ON offers
FOR EACH ROW EXECUTE FUNCTION offers_capacity_guard();

CREATE TABLE weight_profiles (
    name        TEXT PRIMARY KEY,
    version     BIGINT NOT NULL CHECK (version >= 1),
    document    TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

-- Who (the API key's name), what (action and ids) and when; never a personal attribute.
CREATE TABLE audit (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at            TEXT NOT NULL,
    actor         TEXT NOT NULL,
    action        TEXT NOT NULL,
    subject_type  TEXT NOT NULL,
    subject_id    TEXT NULL,
    detail        TEXT NULL
);
CREATE INDEX ix_audit_subject ON audit (subject_type, subject_id);
