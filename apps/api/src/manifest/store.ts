/**
 * D1 access for model versions and their files (migration 0003). Publishing is one batch of statements
 * built here, so a version row never exists without its files.
 */
import { canonicalJson, type SignedManifest } from "@commonspace/manifest";

/** A stored model version. `manifest` is the canonical JSON text the signature covers. */
export interface VersionRow {
  id: number;
  model: string;
  version: string;
  created: string;
  manifest: string;
  manifest_sha256: string;
  signature: string;
  key_id: string;
  metrics: string;
}

/** A version as listed by `GET /v1/models/versions`. */
export interface VersionSummary {
  model: string;
  version: string;
  created: string;
  manifest_sha256: string;
  key_id: string;
  metrics: Record<string, unknown>;
  /** Channels now pointing at this version. */
  channels: string[];
  /** Path of this version's signed manifest. */
  manifest_url: string;
}

/** What {@link recordVersionStatements} writes. */
export interface VersionRecord {
  envelope: SignedManifest;
  canonical: string;
  manifestSha256: string;
}

const VERSION_COLUMNS = "id, model, version, created, manifest, manifest_sha256, signature, key_id, metrics";

/**
 * The signed envelope as canonical JSON text (keys `key_id`, `manifest`, `signature` in that order), built
 * from the stored canonical manifest so the served bytes are the stored bytes.
 */
export function envelopeJson(row: Pick<VersionRow, "manifest" | "signature" | "key_id">): string {
  return `{"key_id":${JSON.stringify(row.key_id)},"manifest":${row.manifest},"signature":${JSON.stringify(row.signature)}}`;
}

/** The version `model`@`version`, or null. */
export function findVersion(db: D1Database, model: string, version: string): Promise<VersionRow | null> {
  return db
    .prepare(`SELECT ${VERSION_COLUMNS} FROM model_versions WHERE model = ?1 AND version = ?2`)
    .bind(model, version)
    .first<VersionRow>();
}

/** The versions whose version string is `version` (of `model`, when given): for promote requests. */
export async function matchVersions(
  db: D1Database,
  version: string,
  model: string | null,
): Promise<{ id: number; model: string }[]> {
  const { results } = await db
    .prepare("SELECT id, model FROM model_versions WHERE version = ?1 AND (?2 IS NULL OR model = ?2) LIMIT 2")
    .bind(version, model)
    .all<{ id: number; model: string }>();
  return results;
}

/**
 * Statements that record a version and its files. Run them in one `DB.batch()`: D1 runs a batch as one
 * transaction, so either all rows appear or none do.
 */
export function recordVersionStatements(db: D1Database, record: VersionRecord): D1PreparedStatement[] {
  const { manifest, signature, key_id } = record.envelope;
  const insertVersion = db
    .prepare(
      `INSERT INTO model_versions (model, version, created, manifest, manifest_sha256, signature, key_id, metrics)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)`,
    )
    .bind(
      manifest.model,
      manifest.version,
      manifest.created,
      record.canonical,
      record.manifestSha256,
      signature,
      key_id,
      canonicalJson(manifest.metrics),
    );
  const insertFiles = manifest.files.map((file) =>
    db
      .prepare(
        `INSERT INTO model_files (version_id, name, role, bytes, sha256)
         SELECT id, ?3, ?4, ?5, ?6 FROM model_versions WHERE model = ?1 AND version = ?2`,
      )
      .bind(manifest.model, manifest.version, file.name, file.role, file.bytes, file.sha256),
  );
  return [insertVersion, ...insertFiles];
}

/** Size in bytes of the published file `sha256`, or null when no published version lists it. */
export async function publishedFileSize(db: D1Database, sha256: string): Promise<number | null> {
  const row = await db
    .prepare("SELECT bytes FROM model_files WHERE sha256 = ?1 LIMIT 1")
    .bind(sha256)
    .first<{ bytes: number }>();
  return row?.bytes ?? null;
}

/** One page of versions, newest first; `cursor` is the opaque `next_cursor` of the previous page. */
export async function listVersions(
  db: D1Database,
  options: { model: string | null; cursor: number | null; limit: number },
): Promise<{ versions: VersionSummary[]; nextCursor: string | null }> {
  const [page, channels] = await db.batch<Record<string, unknown>>([
    db
      .prepare(
        `SELECT ${VERSION_COLUMNS} FROM model_versions
         WHERE (?1 IS NULL OR model = ?1) AND (?2 IS NULL OR id < ?2) ORDER BY id DESC LIMIT ?3`,
      )
      .bind(options.model, options.cursor, options.limit + 1),
    db.prepare("SELECT name, version_id FROM model_channels ORDER BY name"),
  ]);
  const rows = (page?.results ?? []) as unknown as VersionRow[];
  const pointers = (channels?.results ?? []) as { name: string; version_id: number }[];
  const versions = rows.slice(0, options.limit).map((row) => ({
    model: row.model,
    version: row.version,
    created: row.created,
    manifest_sha256: row.manifest_sha256,
    key_id: row.key_id,
    metrics: JSON.parse(row.metrics) as Record<string, unknown>,
    channels: pointers.filter((p) => p.version_id === row.id).map((p) => p.name),
    manifest_url: `/v1/models/versions/${encodeURIComponent(row.model)}/${encodeURIComponent(row.version)}`,
  }));
  const last = rows[options.limit - 1];
  return { versions, nextCursor: rows.length > options.limit && last ? String(last.id) : null };
}
