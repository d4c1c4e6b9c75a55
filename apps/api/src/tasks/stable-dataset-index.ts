/**
 * The dataset index of the model version the `stable` channel points at, read from R2 (`models/<sha256>`, roles
 * `dataset-index` and `dataset-embeddings`) once per isolate and kept keyed by that version's manifest SHA-256,
 * so a promote or rollback switches indexes on the next task without a restart. Only the channel lookup (one
 * small D1 query) runs per task. The index is optional: a version without one, or one that cannot be read,
 * yields null and tasks fall back to lexical hard negatives (the latter with a warning in the Worker log).
 */
import { modelFileKey } from "../manifest/upload";
import { DatasetIndexError, DatasetNeighbours } from "./dataset-neighbours";

/** The index of a published version, and the version string its proposals are recorded under. */
export interface PublishedIndex {
  /** `<model>@<version>`, e.g. `default@2026.11.29-1056`. */
  modelVersion: string;
  neighbours: DatasetNeighbours;
}

interface StableIndexRow {
  model: string;
  version: string;
  manifest_sha256: string;
  index_sha256: string | null;
  index_bytes: number | null;
  embeddings_sha256: string | null;
  embeddings_bytes: number | null;
}

const STABLE_INDEX = `SELECT v.model, v.version, v.manifest_sha256,
    ix.sha256 AS index_sha256, ix.bytes AS index_bytes, em.sha256 AS embeddings_sha256, em.bytes AS embeddings_bytes
  FROM model_channels c JOIN model_versions v ON v.id = c.version_id
  LEFT JOIN model_files ix ON ix.version_id = v.id AND ix.role = 'dataset-index'
  LEFT JOIN model_files em ON em.version_id = v.id AND em.role = 'dataset-embeddings'
  WHERE c.name = 'stable' LIMIT 1`;

// Manifest SHA-256 → the loaded index (or null when it could not be read). At most two entries: the version
// stable points at, and the one it pointed at before a move, while tasks built on it finish.
const loaded = new Map<string, Promise<PublishedIndex | null>>();
const CACHED_VERSIONS = 2;

async function readFile(bucket: R2Bucket, sha256: string, bytes: number): Promise<Uint8Array> {
  const object = await bucket.get(modelFileKey(sha256));
  if (!object) throw new DatasetIndexError(`models/${sha256} is missing from R2; publish the version again.`);
  const data = new Uint8Array(await object.arrayBuffer());
  // R2 keys are content addresses checked at upload (src/manifest/upload.ts); the size guards against a mix-up.
  if (data.length !== bytes)
    throw new DatasetIndexError(`models/${sha256} has ${data.length} bytes, the manifest says ${bytes}.`);
  return data;
}

async function load(bucket: R2Bucket, row: StableIndexRow): Promise<PublishedIndex | null> {
  const modelVersion = `${row.model}@${row.version}`;
  try {
    const [indexJson, embeddings] = await Promise.all([
      readFile(bucket, row.index_sha256 as string, row.index_bytes ?? 0),
      readFile(bucket, row.embeddings_sha256 as string, row.embeddings_bytes ?? 0),
    ]);
    return {
      modelVersion,
      neighbours: new DatasetNeighbours(new TextDecoder().decode(indexJson), embeddings),
    };
  } catch (err) {
    if (!(err instanceof DatasetIndexError)) throw err;
    console.warn(
      `dataset index of ${modelVersion} unusable, tasks use lexical hard negatives: ${err.message}`,
    );
    return null;
  }
}

/** The stable version's dataset index, or null when stable points nowhere, has no index or an unreadable one. */
export async function stableDatasetIndex(db: D1Database, bucket: R2Bucket): Promise<PublishedIndex | null> {
  const row = await db.prepare(STABLE_INDEX).first<StableIndexRow>();
  if (!row?.index_sha256 || !row.embeddings_sha256) return null;
  let entry = loaded.get(row.manifest_sha256);
  if (!entry) {
    entry = load(bucket, row);
    loaded.set(row.manifest_sha256, entry);
    for (const key of loaded.keys()) if (loaded.size > CACHED_VERSIONS) loaded.delete(key);
  }
  try {
    return await entry;
  } catch (err) {
    // R2 unavailable is not cached: the next task tries again, this one falls back.
    loaded.delete(row.manifest_sha256);
    console.warn(`dataset index of ${row.model}@${row.version} not read, using lexical hard negatives:`, err);
    return null;
  }
}
