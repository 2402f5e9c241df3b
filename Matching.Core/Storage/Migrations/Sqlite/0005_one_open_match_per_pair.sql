-- At most one open match per newcomer and offer, also when two instances propose the same pair at once.
CREATE UNIQUE INDEX ux_matches_open_pair ON matches (newcomer_id, offer_id) WHERE status IN ('proposed', 'accepted', 'started');
