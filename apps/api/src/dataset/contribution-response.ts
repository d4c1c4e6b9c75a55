/**
 * The statement that records a contribution's idempotency key together with its response, built in SQL from
 * the rows the same batch just wrote, so the stored answer carries the real ids and commits atomically with
 * them.
 */

/** What a contribution answers (and what a replay returns byte for byte). */
export interface ContributionResponse {
  image: { sha256: string; url: string; status: string; width: number; height: number; type: string };
  caption: { id: string; text: string };
  pair: { id: string; origin: string; status: string };
  consent: { terms_version: string; consented_at: string };
  /** Metadata blocks removed from the upload before it was hashed, e.g. "JPEG APP1 (Exif)". */
  metadata_removed: string[];
}

/** Values of the key row. */
export interface ContributionKey {
  contributorId: string;
  key: string;
  requestHash: string;
  status: number;
  sha256: string;
  caption: string;
  removed: string[];
  now: number;
}

/** SQL turning a millisecond timestamp column into the ISO 8601 form `Date#toISOString` gives. */
export function isoTime(column: string): string {
  return `strftime('%Y-%m-%dT%H:%M:%fZ', ${column} / 1000.0, 'unixepoch')`;
}

/** `INSERT ... SELECT ... RETURNING status_code, response`; fails on a key used concurrently. */
export function recordContributionKey(db: D1Database, key: ContributionKey): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO idempotency_keys (contributor_id, key, request_hash, status_code, response, created_at)
       SELECT ?1, ?2, ?3, ?4, json_object(
           'image', json_object('sha256', i.sha256, 'url', '/v1/images/' || i.sha256, 'status', i.status,
                                'width', i.width, 'height', i.height, 'type', i.type),
           'caption', json_object('id', CAST(c.id AS TEXT), 'text', c.text),
           'pair', json_object('id', CAST(p.id AS TEXT), 'origin', p.origin, 'status', p.status),
           'consent', json_object('terms_version', p.terms_version,
                                  'consented_at', ${isoTime("p.consented_at")}),
           'metadata_removed', json(?8)), ?5
       FROM pairs p JOIN images i ON i.id = p.image_id JOIN captions c ON c.id = p.caption_id
       WHERE i.sha256 = ?6 AND c.text = ?7
       RETURNING status_code, response`,
    )
    .bind(
      key.contributorId,
      key.key,
      key.requestHash,
      key.status,
      key.now,
      key.sha256,
      key.caption,
      JSON.stringify(key.removed),
    );
}
