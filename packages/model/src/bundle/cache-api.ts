// BlobCache on the browser's Cache API: one named cache; files under synthetic URLs by SHA-256, records
// under their key. Verified bytes only ever go in; a QuotaExceededError comes back out as a QuotaError.
import { QuotaError } from "../errors";
import type { BlobCache } from "./cache";
import { isQuotaExceeded } from "./storage";

const ORIGIN = "https://commonspace-model.invalid";

/**
 * A cache in the browser's Cache API (`caches.open(name)`).
 * Resolves to undefined when the Cache API is missing (Node, or a page that is not a secure context).
 */
export async function createCacheApiCache(name = "commonspace-model-v1"): Promise<BlobCache | undefined> {
  const storage = (globalThis as { caches?: CacheStorage }).caches;
  if (!storage) return undefined;
  const cache = await storage.open(name);
  const blobUrl = (sha256: string): string => `${ORIGIN}/sha256/${sha256}`;
  const recordUrl = (key: string): string => `${ORIGIN}/record/${encodeURIComponent(key)}`;
  const store = async (url: string, body: BodyInit, size: number): Promise<void> => {
    try {
      await cache.put(url, new Response(body, { headers: { "content-length": String(size) } }));
    } catch (error) {
      if (isQuotaExceeded(error)) throw new QuotaError(size, undefined, { cause: error });
      throw error;
    }
  };
  return {
    kind: "cache-api",
    async get(sha256) {
      const response = await cache.match(blobUrl(sha256));
      return response ? new Uint8Array(await response.arrayBuffer()) : undefined;
    },
    put: (sha256, bytes) => store(blobUrl(sha256), bytes as Uint8Array<ArrayBuffer>, bytes.byteLength),
    async delete(sha256) {
      await cache.delete(blobUrl(sha256));
    },
    async list() {
      const prefix = `${ORIGIN}/sha256/`;
      return (await cache.keys())
        .map((r) => r.url)
        .filter((u) => u.startsWith(prefix))
        .map((u) => u.slice(prefix.length));
    },
    async readRecord(key) {
      return (await cache.match(recordUrl(key)))?.text();
    },
    writeRecord: (key, value) => store(recordUrl(key), value, value.length),
  };
}
