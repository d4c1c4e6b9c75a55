// The pluggable store for verified files, keyed by SHA-256, plus small text records (the active manifest).
// Implementations: the Cache API in browsers (cache-api.ts), the filesystem in Node (../node/file-cache.ts),
// and memory (here) for tests and for environments with neither.

/** Where verified bundle files live between sessions. */
export interface BlobCache {
  /** `"cache-api"`, `"filesystem"`, `"memory"`, …: shown in events and errors. */
  readonly kind: string;
  /** Bytes stored under a SHA-256 (hex), or undefined. The caller re-verifies them. */
  get(sha256: string): Promise<Uint8Array | undefined>;
  /** Stores verified bytes. @throws QuotaError when the storage is full. */
  put(sha256: string, bytes: Uint8Array): Promise<void>;
  delete(sha256: string): Promise<void>;
  /** Every stored SHA-256. */
  list(): Promise<string[]>;
  /** A small text record by key (e.g. the active manifest of a channel). */
  readRecord(key: string): Promise<string | undefined>;
  writeRecord(key: string, value: string): Promise<void>;
}

/** A cache in memory: lost when the process ends. */
export function createMemoryCache(): BlobCache {
  const blobs = new Map<string, Uint8Array>();
  const records = new Map<string, string>();
  return {
    kind: "memory",
    get: async (sha256) => blobs.get(sha256)?.slice(),
    put: async (sha256, bytes) => void blobs.set(sha256, bytes.slice()),
    delete: async (sha256) => void blobs.delete(sha256),
    list: async () => [...blobs.keys()],
    readRecord: async (key) => records.get(key),
    writeRecord: async (key, value) => void records.set(key, value),
  };
}
