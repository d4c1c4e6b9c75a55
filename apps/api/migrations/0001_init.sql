-- Migration 0001: a table that records the service's own metadata; the health route reads it so a
-- successful health check proves D1 is reachable and migrated.
CREATE TABLE IF NOT EXISTS service_meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
INSERT OR IGNORE INTO service_meta (key, value) VALUES ('schema', 'commonspace');
