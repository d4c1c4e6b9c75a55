-- Migration 0003: model distribution. A version is published in one D1 batch (its row, its files), after
-- its files are in R2 under models/<sha256>; so a version is either wholly visible or absent. Channels
-- (stable, beta) point at versions; every promote and rollback is recorded in model_channel_history.

CREATE TABLE IF NOT EXISTS model_versions (
  id INTEGER PRIMARY KEY,
  model TEXT NOT NULL,
  version TEXT NOT NULL,
  -- ISO 8601 UTC publish time, as in the manifest.
  created TEXT NOT NULL,
  -- The public manifest as canonical JSON: exactly the bytes the signature covers.
  manifest TEXT NOT NULL,
  manifest_sha256 TEXT NOT NULL CHECK (length(manifest_sha256) = 64),
  -- Base64 Ed25519 signature over `manifest`, and the id of the key that made it.
  signature TEXT NOT NULL,
  key_id TEXT NOT NULL,
  -- Canonical JSON of the manifest's metrics, for listings.
  metrics TEXT NOT NULL DEFAULT '{}',
  UNIQUE (model, version)
);

CREATE TABLE IF NOT EXISTS model_files (
  version_id INTEGER NOT NULL REFERENCES model_versions (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  bytes INTEGER NOT NULL CHECK (bytes >= 0),
  -- The R2 key is models/<sha256>; several versions may share one file.
  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
  PRIMARY KEY (version_id, name)
);
CREATE INDEX IF NOT EXISTS model_files_by_sha256 ON model_files (sha256);

CREATE TABLE IF NOT EXISTS model_channels (
  name TEXT PRIMARY KEY CHECK (name IN ('stable', 'beta')),
  version_id INTEGER NOT NULL REFERENCES model_versions (id),
  updated TEXT NOT NULL
);

-- One row per promote or rollback. A rollback undoes the newest promote not yet rolled back, moving the
-- channel to that promote's previous_version_id, so repeated rollbacks walk back through the promotes.
CREATE TABLE IF NOT EXISTS model_channel_history (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  channel TEXT NOT NULL CHECK (channel IN ('stable', 'beta')),
  action TEXT NOT NULL CHECK (action IN ('promote', 'rollback')),
  version_id INTEGER NOT NULL REFERENCES model_versions (id),
  previous_version_id INTEGER REFERENCES model_versions (id),
  at TEXT NOT NULL,
  -- Set on a promote once a rollback has undone it.
  rolled_back_at TEXT
);
CREATE INDEX IF NOT EXISTS model_channel_history_by_channel ON model_channel_history (channel, id);
