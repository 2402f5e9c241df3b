-- A change feed: every write that changes an offer's index entry or a profile appends a row in the same
-- transaction, so that other instances on the same database catch up by reading rows past the last they applied.
CREATE TABLE changes (
    seq           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at            TEXT NOT NULL,
    subject_type  TEXT NOT NULL CHECK (subject_type IN ('offer', 'profile')),
    subject_id    TEXT NOT NULL
);
