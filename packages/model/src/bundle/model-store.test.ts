import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { API, bundleFiles, FakeApi, type PublishedFile } from "../../test/fake-api";
import { BUNDLE_DIR } from "../../test/bundle-under-test";
import { BundleFormatError, IntegrityError, QuotaError, SignatureError, type ModelError } from "../errors";
import { createFileCache } from "../node/file-cache";
import { RUNTIME_ROLES } from "./bundle";
import { createMemoryCache, type BlobCache } from "./cache";
import { sha256Hex } from "./encoding";
import { ModelStore } from "./model-store";

let api: FakeApi;
let files: PublishedFile[];
let dir: string;
let cache: BlobCache;

beforeEach(async () => {
  api = await FakeApi.create();
  files = await bundleFiles(BUNDLE_DIR);
  dir = await mkdtemp(join(tmpdir(), "model-store-"));
  cache = createFileCache(dir);
});
afterEach(() => rm(dir, { recursive: true, force: true }));

function store(overrides: { cache?: BlobCache } = {}): { store: ModelStore; warnings: ModelError[] } {
  const s = new ModelStore({
    api: API,
    cache: overrides.cache ?? cache,
    trustedKeys: [api.trustedKey],
    fetch: api.fetch,
    backoffMs: 0,
    retries: 2,
  });
  const warnings: ModelError[] = [];
  s.on("warning", (w) => warnings.push(w));
  return { store: s, warnings };
}

/** The same files with one byte of the gpt-step graph changed (a genuinely new weight file). */
function withNewWeights(): { files: PublishedFile[]; gpt: PublishedFile } {
  const gpt = files.find((f) => f.role === "gpt-step") as PublishedFile;
  const bytes = gpt.bytes.slice();
  bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 0x01;
  const changed = { ...gpt, bytes };
  return { files: files.map((f) => (f === gpt ? changed : f)), gpt: changed };
}

describe("ModelStore", () => {
  test("downloads, verifies and caches every runtime file on the first load", async () => {
    await api.publish("v1", files);
    const progress: number[] = [];
    const { store: s } = store();
    const result = await s.load({ onProgress: (p) => progress.push(p.totalLoaded / p.totalBytes) });
    expect(result.status).toBe("installed");
    expect(result.bundle.manifest?.version).toBe("v1");
    expect([...result.bundle.files.keys()].sort()).toEqual(
      ["card", "clip-image", "clip-text", "gpt-step", "tokenizer", "vq-decoder", "vq-encoder"].sort(),
    );
    expect(api.fileRequests()).toBe(7);
    expect(progress.at(-1)).toBe(1);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(await cache.list()).toHaveLength(7);
  });

  test("a second load hits the cache and downloads nothing", async () => {
    await api.publish("v1", files);
    await store().store.load();
    const before = api.fileRequests();
    const fromCache: boolean[] = [];
    const again = await store().store.load({ onProgress: (p) => fromCache.push(p.fromCache) });
    expect(again.status).toBe("current");
    expect(api.fileRequests()).toBe(before);
    expect(api.requests.at(-1)?.status).toBe(304);
    expect(fromCache.every(Boolean)).toBe(true);
  });

  test("refuses a manifest with a flipped byte and keeps the previous version", async () => {
    await api.publish("v1", files);
    await store().store.load();
    await api.publish("v2", files, (text) => text.replace('"version":"v2"', '"version":"v3"'));
    const { store: s, warnings } = store();
    const result = await s.load();
    expect(result.status).toBe("kept-previous");
    expect(result.error).toBeInstanceOf(SignatureError);
    expect(warnings[0]).toBeInstanceOf(SignatureError);
    expect(result.bundle.manifest?.version).toBe("v1");
    expect(await s.activeVersion()).toBe("v1");
  });

  test("refuses a weight file with a flipped byte, caches nothing of it and keeps the previous version", async () => {
    await api.publish("v1", files);
    await store().store.load();
    const next = withNewWeights();
    await api.publish("v2", next.files);
    const sha = await sha256Hex(next.gpt.bytes);
    const corrupt = next.gpt.bytes.slice();
    corrupt[100] = (corrupt[100] as number) ^ 0xff;
    api.served.set(sha, corrupt);
    const { store: s, warnings } = store();
    const result = await s.load();
    expect(result.status).toBe("kept-previous");
    expect(result.error).toBeInstanceOf(IntegrityError);
    expect(warnings).toHaveLength(1);
    expect(await cache.get(sha)).toBeUndefined();
    expect(result.bundle.manifest?.version).toBe("v1");
    expect(await s.activeVersion()).toBe("v1");
  });

  test("refuses a version whose files disagree with its card.json, after downloading only the new file", async () => {
    await api.publish("v1", files);
    await store().store.load();
    const before = api.fileRequests();
    await api.publish("v2", withNewWeights().files);
    const { store: s } = store();
    const result = await s.load();
    expect(api.fileRequests()).toBe(before + 1);
    expect(result.status).toBe("kept-previous");
    expect(result.error).toBeInstanceOf(BundleFormatError);
    expect(await s.activeVersion()).toBe("v1");
  });

  test("installs a new version and prunes files that neither it nor the previous version uses", async () => {
    const licence = (text: string): PublishedFile => ({
      name: "LICENCE.txt",
      role: "licence",
      bytes: new TextEncoder().encode(text),
    });
    const roles = [...RUNTIME_ROLES, "licence" as const];
    const s = new ModelStore({ api: API, cache, trustedKeys: [api.trustedKey], fetch: api.fetch, roles });
    const shas: string[] = [];
    for (const version of ["v1", "v2", "v3"]) {
      const file = licence(`licence of ${version}`);
      shas.push(await sha256Hex(file.bytes));
      await api.publish(version, [...files, file]);
      const result = await s.load();
      expect(result.status).toBe("installed");
      expect(await s.activeVersion()).toBe(version);
    }
    const cached = await cache.list();
    expect(cached).not.toContain(shas[0]);
    expect(cached).toContain(shas[1]);
    expect(cached).toContain(shas[2]);
  });

  test("keeps working from the cache when the API is unreachable", async () => {
    await api.publish("v1", files);
    await store().store.load();
    api.offline = true;
    const result = await store().store.load();
    expect(result.status).toBe("offline");
    expect(result.bundle.manifest?.version).toBe("v1");
  });

  test("fails loudly when there is no previous version to keep", async () => {
    await api.publish("v1", files, (text) => text.replace('"version":"v1"', '"version":"v9"'));
    await expect(store().store.load()).rejects.toBeInstanceOf(SignatureError);
  });

  test("retries a busy API and resumes a broken download with Range", async () => {
    await api.publish("v1", files);
    api.unavailable = 2;
    api.breakAfter = { bytes: 1000, times: 1 };
    const result = await store().store.load();
    expect(result.status).toBe("installed");
    const resumed = api.requests.filter((r) => r.status === 206);
    expect(resumed.map((r) => r.headers["range"])).toEqual(["bytes=1000-"]);
  });

  test("reports a full cache as a QuotaError warning and still loads from memory", async () => {
    await api.publish("v1", files);
    const full: BlobCache = {
      ...createMemoryCache(),
      put: async (_sha, bytes) => {
        throw new QuotaError(bytes.length, 0);
      },
    };
    const { store: s, warnings } = store({ cache: full });
    const result = await s.load();
    expect(result.status).toBe("installed");
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings.every((w) => w instanceof QuotaError)).toBe(true);
  });

  test("asks browsers for persistent storage and warns before a download that will not fit", async () => {
    vi.stubGlobal("navigator", {
      storage: { persist: async () => false, estimate: async () => ({ usage: 0, quota: 1000 }) },
    });
    try {
      await api.publish("v1", files);
      const browserCache: BlobCache = { ...createMemoryCache(), kind: "cache-api" };
      const { store: s, warnings } = store({ cache: browserCache });
      const statuses: unknown[] = [];
      s.on("storage", (status) => statuses.push(status));
      const result = await s.load();
      expect(statuses).toEqual([{ persisted: false, usage: 0, quota: 1000 }]);
      expect(warnings[0]).toBeInstanceOf(QuotaError);
      expect(result.status).toBe("installed");
    } finally {
      vi.unstubAllGlobals();
    }
  });

  test("checks for updates with one conditional request", async () => {
    await api.publish("v1", files);
    const { store: s } = store();
    await s.load();
    expect(await s.checkForUpdate()).toEqual({ available: false, version: "v1" });
    await api.publish("v2", files);
    expect(await s.checkForUpdate()).toEqual({ available: true, version: "v2" });
  });
});
