-- Migration 0004: consent, withdrawal and removals.
-- * images and pairs gain the status 'withdrawn' (the contributor took it back). SQLite cannot alter a CHECK,
--   so images, pairs and judgments (which references images) are rebuilt: the copies reference images_next, the
--   old children are dropped before the old images table (so no foreign key is ever violated, even deferred),
--   and renaming images_next to images rewrites the copies' references. AUTOINCREMENT counters carry over.
-- * every contribution records the terms version its contributor accepted and when (`terms_version`,
--   `consented_at`): on the pair (the caption pairing) and on the image (the bytes and their licence).
-- * `removals` lists every pair that left the export (withdrawn or rejected after it was served), in id order,
--   so a trainer that already holds it can drop it (GET /v1/export/removals).
CREATE TABLE images_next (
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
  concept TEXT,
  category TEXT,
  contributor_id TEXT REFERENCES contributors (id),
  status TEXT NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn')),
  moderation_reason TEXT,
  created_at INTEGER NOT NULL,
  moderated_at INTEGER,
  -- Consent of the contributor whose licence the image carries; NULL for curated (seed) images.
  terms_version TEXT,
  consented_at INTEGER,
  -- When a rejection or withdrawal removed the image (its R2 bytes are deleted then).
  removed_at INTEGER
);
INSERT INTO images_next (id, sha256, r2_key, bytes, width, height, type, source, licence, attribution, concept,
    category, contributor_id, status, moderation_reason, created_at, moderated_at)
  SELECT id, sha256, r2_key, bytes, width, height, type, source, licence, attribution, concept, category,
    contributor_id, status, moderation_reason, created_at, moderated_at
  FROM images;

CREATE TABLE pairs_next (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  image_id INTEGER NOT NULL REFERENCES images_next (id),
  caption_id INTEGER NOT NULL REFERENCES captions (id),
  origin TEXT NOT NULL CHECK (origin IN ('seed', 'contribution', 'task')),
  status TEXT NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn')),
  contributor_id TEXT REFERENCES contributors (id),
  created_at INTEGER NOT NULL,
  -- Consent recorded with a contribution: the terms version accepted and when. NULL for seed and task pairs.
  terms_version TEXT,
  consented_at INTEGER,
  -- The licence and attribution the contributor chose, so the image can carry the next contributor's
  -- when the first one withdraws.
  licence TEXT,
  attribution TEXT,
  moderated_at INTEGER,
  removed_at INTEGER,
  UNIQUE (image_id, caption_id)
);
-- Explicit ids keep every pair id (export cursors and removals name them).
INSERT INTO pairs_next (id, image_id, caption_id, origin, status, contributor_id, created_at)
  SELECT id, image_id, caption_id, origin, status, contributor_id, created_at FROM pairs;

CREATE TABLE judgments_next (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  image_id INTEGER NOT NULL REFERENCES images_next (id),
  caption_id INTEGER NOT NULL REFERENCES captions (id),
  verdict TEXT NOT NULL CHECK (verdict IN ('positive', 'negative')),
  task_id TEXT NOT NULL,
  -- The model that proposed the candidates; NULL while candidates come from shared category or words.
  model_version TEXT,
  contributor_id TEXT NOT NULL REFERENCES contributors (id),
  created_at INTEGER NOT NULL,
  UNIQUE (task_id, image_id, caption_id)
);
INSERT INTO judgments_next (id, image_id, caption_id, verdict, task_id, model_version, contributor_id, created_at)
  SELECT id, image_id, caption_id, verdict, task_id, model_version, contributor_id, created_at FROM judgments;

-- The copies' AUTOINCREMENT counters start at their largest id; the originals' may be higher (a deleted last
-- row), and ids must never be reused.
INSERT INTO sqlite_sequence (name, seq)
  SELECT name, 0 FROM (SELECT 'pairs_next' AS name UNION ALL SELECT 'judgments_next')
  WHERE name NOT IN (SELECT name FROM sqlite_sequence);
UPDATE sqlite_sequence
  SET seq = max(seq, coalesce((SELECT s.seq FROM sqlite_sequence s WHERE s.name = 'pairs'), 0))
  WHERE name = 'pairs_next';
UPDATE sqlite_sequence
  SET seq = max(seq, coalesce((SELECT s.seq FROM sqlite_sequence s WHERE s.name = 'judgments'), 0))
  WHERE name = 'judgments_next';

-- Children first, then their parent: nothing references the old images table when it goes.
DROP TABLE judgments;
DROP TABLE pairs;
DROP TABLE images;
ALTER TABLE images_next RENAME TO images;
ALTER TABLE pairs_next RENAME TO pairs;
ALTER TABLE judgments_next RENAME TO judgments;

CREATE INDEX images_status_id ON images (status, id);
CREATE INDEX images_source_id ON images (source, id);
CREATE INDEX images_licence_id ON images (licence, id);
CREATE INDEX images_category ON images (category);
CREATE INDEX images_concept ON images (concept);
CREATE INDEX images_contributor ON images (contributor_id);
CREATE INDEX pairs_caption ON pairs (caption_id, status);
CREATE INDEX pairs_status_id ON pairs (status, id);
CREATE INDEX pairs_image ON pairs (image_id, status);
CREATE INDEX pairs_contributor ON pairs (contributor_id, id);
CREATE INDEX judgments_image_verdict ON judgments (image_id, verdict, caption_id);

CREATE TABLE removals (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  pair_id INTEGER NOT NULL REFERENCES pairs (id),
  image_sha256 TEXT NOT NULL,
  caption_id INTEGER NOT NULL,
  reason TEXT NOT NULL CHECK (reason IN ('withdrawn', 'rejected')),
  removed_at INTEGER NOT NULL
);

-- Agreement statistics compare judgments of the same image and caption by different contributors.
CREATE INDEX judgments_pair_contributor ON judgments (image_id, caption_id, contributor_id);
CREATE INDEX judgments_contributor ON judgments (contributor_id);
