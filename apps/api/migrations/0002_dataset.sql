-- Migration 0002: the shared image-caption dataset. Images are content-addressed (SHA-256; bytes in R2 under
-- r2_key), captions are unique normalised text, pairs join them, judgments are people's verdicts from
-- labelling tasks. Only rows whose moderation status is 'approved' are served in tasks, batches and exports.
-- Integer ids give keyset (cursor) pagination a stable, indexed order; AUTOINCREMENT on pairs and judgments
-- guarantees ids are never reused, which export snapshots rely on ("every pair with id <= N").

CREATE TABLE contributors (
  id TEXT PRIMARY KEY,
  -- Hex SHA-256 of the bearer token: the token itself is never stored.
  token_hash TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
  created_at INTEGER NOT NULL
);

CREATE TABLE images (
  id INTEGER PRIMARY KEY,
  sha256 TEXT NOT NULL UNIQUE CHECK (length(sha256) = 64),
  r2_key TEXT NOT NULL,
  bytes INTEGER NOT NULL CHECK (bytes > 0),
  width INTEGER NOT NULL CHECK (width > 0),
  height INTEGER NOT NULL CHECK (height > 0),
  type TEXT NOT NULL CHECK (type IN ('image/png', 'image/jpeg', 'image/webp')),
  source TEXT NOT NULL,
  licence TEXT NOT NULL,
  attribution TEXT NOT NULL DEFAULT '',
  -- What the image depicts independent of style (docs/dataset-format.md), e.g. 'emoji:1f34e'.
  concept TEXT,
  category TEXT,
  contributor_id TEXT REFERENCES contributors (id),
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
  moderation_reason TEXT,
  created_at INTEGER NOT NULL,
  moderated_at INTEGER
);
CREATE INDEX images_status_id ON images (status, id);
CREATE INDEX images_source_id ON images (source, id);
CREATE INDEX images_licence_id ON images (licence, id);
CREATE INDEX images_category ON images (category);
CREATE INDEX images_concept ON images (concept);

CREATE TABLE captions (
  id INTEGER PRIMARY KEY,
  text TEXT NOT NULL UNIQUE CHECK (length(text) BETWEEN 1 AND 300),
  created_at INTEGER NOT NULL
);

CREATE TABLE pairs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  image_id INTEGER NOT NULL REFERENCES images (id),
  caption_id INTEGER NOT NULL REFERENCES captions (id),
  origin TEXT NOT NULL CHECK (origin IN ('seed', 'contribution', 'task')),
  -- A pair is moderated on its own too: a new caption for an already approved image must not go live unseen.
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
  contributor_id TEXT REFERENCES contributors (id),
  created_at INTEGER NOT NULL,
  UNIQUE (image_id, caption_id)
);
CREATE INDEX pairs_caption ON pairs (caption_id, status);
CREATE INDEX pairs_status_id ON pairs (status, id);

CREATE TABLE judgments (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  image_id INTEGER NOT NULL REFERENCES images (id),
  caption_id INTEGER NOT NULL REFERENCES captions (id),
  verdict TEXT NOT NULL CHECK (verdict IN ('positive', 'negative')),
  task_id TEXT NOT NULL,
  -- The model that proposed the candidates; NULL while candidates come from shared category or words.
  model_version TEXT,
  contributor_id TEXT NOT NULL REFERENCES contributors (id),
  created_at INTEGER NOT NULL,
  UNIQUE (task_id, image_id, caption_id)
);
CREATE INDEX judgments_image_verdict ON judgments (image_id, verdict, caption_id);

-- One row per answered task: its primary key is what makes a second answer to the same task fail.
CREATE TABLE task_answers (
  task_id TEXT PRIMARY KEY,
  contributor_id TEXT NOT NULL REFERENCES contributors (id),
  kind TEXT NOT NULL CHECK (kind IN ('caption-for-image', 'image-for-caption')),
  choice TEXT NOT NULL,
  answered_at INTEGER NOT NULL
);

-- Stored responses of idempotent writes, replayed when the same contributor repeats a key with the same body.
CREATE TABLE idempotency_keys (
  contributor_id TEXT NOT NULL REFERENCES contributors (id),
  key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  status_code INTEGER NOT NULL,
  response TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (contributor_id, key)
) WITHOUT ROWID;

-- Full-text index over caption text (external content: the text lives once, in captions).
CREATE VIRTUAL TABLE captions_fts USING fts5 (
  text,
  content = 'captions',
  content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER captions_fts_insert AFTER INSERT ON captions BEGIN
  INSERT INTO captions_fts (rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER captions_fts_delete AFTER DELETE ON captions BEGIN
  INSERT INTO captions_fts (captions_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER captions_fts_update AFTER UPDATE OF text ON captions BEGIN
  INSERT INTO captions_fts (captions_fts, rowid, text) VALUES ('delete', old.id, old.text);
  INSERT INTO captions_fts (rowid, text) VALUES (new.id, new.text);
END;
