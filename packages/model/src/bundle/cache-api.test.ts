import { afterEach, describe, expect, test, vi } from "vitest";
import { QuotaError } from "../errors";
import { createCacheApiCache } from "./cache-api";
import { checkStorage, quotaShortfall } from "./storage";

/** A Cache API stand-in (Node has none): one cache keyed by URL, optionally refusing writes as "full". */
function fakeCaches(options: { full?: boolean } = {}): Map<string, Response> {
  const entries = new Map<string, Response>();
  const cache = {
    match: async (url: string) => entries.get(url)?.clone(),
    put: async (url: string, response: Response) => {
      if (options.full) throw new DOMException("quota", "QuotaExceededError");
      entries.set(url, response);
    },
    delete: async (url: string) => entries.delete(url),
    keys: async () => [...entries.keys()].map((url) => new Request(url)),
  };
  vi.stubGlobal("caches", { open: async () => cache });
  return entries;
}

afterEach(() => vi.unstubAllGlobals());

describe("createCacheApiCache", () => {
  test("is undefined where there is no Cache API", async () => {
    expect(await createCacheApiCache()).toBeUndefined();
  });

  test("stores files by SHA-256 and records by key", async () => {
    fakeCaches();
    const cache = (await createCacheApiCache())!;
    const sha = "ab".repeat(32);
    await cache.put(sha, Uint8Array.from([1, 2, 3]));
    await cache.writeRecord("active:x", "{}");
    expect(cache.kind).toBe("cache-api");
    expect(Array.from((await cache.get(sha)) ?? [])).toEqual([1, 2, 3]);
    expect(await cache.list()).toEqual([sha]);
    expect(await cache.readRecord("active:x")).toBe("{}");
    await cache.delete(sha);
    expect(await cache.get(sha)).toBeUndefined();
  });

  test("turns the browser's QuotaExceededError into a QuotaError", async () => {
    fakeCaches({ full: true });
    const cache = (await createCacheApiCache())!;
    await expect(cache.put("cd".repeat(32), new Uint8Array(10))).rejects.toBeInstanceOf(QuotaError);
  });
});

describe("storage status", () => {
  test("asks for persistent storage and reports a shortfall before downloading", async () => {
    const persist = vi.fn(async () => true);
    vi.stubGlobal("navigator", {
      storage: { persisted: async () => false, persist, estimate: async () => ({ usage: 900, quota: 1000 }) },
    });
    const status = await checkStorage();
    expect(status).toEqual({ persisted: true, usage: 900, quota: 1000 });
    expect(persist).toHaveBeenCalledOnce();
    expect(quotaShortfall(status, 50)).toBeUndefined();
    expect(quotaShortfall(status, 500)?.message).toMatch(/500 bytes needed, 100 bytes available/);
  });

  test("says nothing where navigator.storage is missing", async () => {
    expect(await checkStorage()).toEqual({ persisted: undefined, usage: undefined, quota: undefined });
  });
});
