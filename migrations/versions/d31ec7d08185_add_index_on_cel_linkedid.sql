-- revision: d31ec7d08185
-- down_revision: 202ce70d44ed
-- message: add index on cel.linkedid
-- transactional: false

CREATE INDEX CONCURRENTLY IF NOT EXISTS cel__idx__linkedid ON cel (linkedid);
