// Several stores (other models, other API origins) may share one BlobCache. The record "stores" lists their
// record keys, so a store deletes only files that no store's record references: pruning after an install,
// dropping what a refused install left behind, and clearing. Records are read without verifying signatures,
// since keeping a file too many is harmless and another store may trust other keys.
import type { BlobCache } from "./cache";

/** The record listing every store record key in a cache. */
export const STORES_RECORD = "stores";

/** Record keys of the stores sharing `cache` (an unreadable list counts as empty). */
export async function readStoreKeys(cache: BlobCache): Promise<string[]> {
  const text = await cache.readRecord(STORES_RECORD).catch(() => undefined);
  try {
    const keys: unknown = JSON.parse(text || "[]");
    return Array.isArray(keys) ? keys.filter((k): k is string => typeof k === "string") : [];
  } catch {
    return [];
  }
}

/** Adds `key` to the list of stores. */
export async function registerStore(cache: BlobCache, key: string): Promise<void> {
  const keys = await readStoreKeys(cache);
  if (!keys.includes(key)) await cache.writeRecord(STORES_RECORD, JSON.stringify([...keys, key]));
}

/**
 * Empties the records `keys` and takes them off the list. BlobCache has no way to delete a record, so an empty
 * one stays behind, which every reader treats as none.
 */
export async function forgetStores(cache: BlobCache, keys: readonly string[]): Promise<void> {
  for (const key of keys) {
    const held = await cache.readRecord(key).catch(() => undefined);
    if (held) await cache.writeRecord(key, "");
  }
  const left = (await readStoreKeys(cache)).filter((k) => !keys.includes(k));
  await cache.writeRecord(STORES_RECORD, JSON.stringify(left));
}

/** SHA-256s of every file a listed store's record references (current, previous, legacy previousFiles). */
export async function referencedFiles(cache: BlobCache): Promise<Set<string>> {
  const keep = new Set<string>();
  for (const key of await readStoreKeys(cache)) {
    const text = await cache.readRecord(key).catch(() => undefined);
    if (!text) continue;
    let record: unknown;
    try {
      record = JSON.parse(text);
    } catch {
      continue;
    }
    for (const sha of filesOfRecord(record)) keep.add(sha);
  }
  return keep;
}

/** Deletes the cached files among `candidates` (default: every cached file) that no record references. */
export async function deleteUnreferenced(cache: BlobCache, candidates?: Iterable<string>): Promise<void> {
  const keep = await referencedFiles(cache);
  for (const sha of candidates ?? (await cache.list())) if (!keep.has(sha)) await cache.delete(sha);
}

function filesOfRecord(record: unknown): string[] {
  const r = (record ?? {}) as {
    current?: unknown;
    previous?: unknown;
    envelope?: unknown;
    previousFiles?: unknown;
  };
  const entries = [r.current, r.previous].map((e) => (e as { envelope?: unknown } | undefined)?.envelope);
  const legacy = Array.isArray(r.previousFiles) ? r.previousFiles.filter(isSha256) : [];
  return [...[...entries, r.envelope].flatMap(filesOfEnvelope), ...legacy];
}

/** SHA-256s an envelope's manifest lists, read defensively (the envelope is not verified here). */
export function filesOfEnvelope(envelope: unknown): string[] {
  const files = (envelope as { manifest?: { files?: unknown } } | undefined)?.manifest?.files;
  if (!Array.isArray(files)) return [];
  return files.map((f) => (f as { sha256?: unknown } | null)?.sha256).filter(isSha256);
}

function isSha256(value: unknown): value is string {
  return typeof value === "string" && /^[0-9a-f]{64}$/.test(value);
}
