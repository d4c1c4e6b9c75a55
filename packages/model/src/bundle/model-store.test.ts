import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { API, bundleFiles, FakeApi, type PublishedFile } from "../../test/fake-api";
import { BUNDLE_DIR, TINY_BUNDLE_DIR } from "../../test/bundle-under-test";
import {
  BundleFormatError,
  DownloadError,
  IntegrityError,
  ModelOptionError,
  NoPreviousVersionError,
  QuotaError,
  SignatureError,
  type ModelError,
} from "../errors";
import { createFileCache } from "../node/file-cache";
import { RUNTIME_ROLES } from "./bundle";
import { createMemoryCache, type BlobCache } from "./cache";
import { sha256Hex } from "@commonspace/manifest";
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

/** Every fetch a store made (manifests and files, answered or not). */
let fetchCalls: string[];
beforeEach(() => void (fetchCalls = []));

function store(overrides: { cache?: BlobCache; channel?: string; api?: string; fetch?: typeof fetch } = {}): {
  store: ModelStore;
  warnings: ModelError[];
} {
  const inner = overrides.fetch ?? api.fetch;
  const s = new ModelStore({
    api: overrides.api ?? API,
    cache: overrides.cache ?? cache,
    trustedKeys: [api.trustedKey],
    fetch: (input, init) => (fetchCalls.push(String(input)), inner(input, init)),
    backoffMs: 0,
    retries: 2,
    ...(overrides.channel && { channel: overrides.channel }),
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

/** The same files with card.json padded by `n` spaces: a new version that verifies and differs in one file. */
function newVersion(n: number): { files: PublishedFile[]; card: PublishedFile } {
  const old = files.find((f) => f.role === "card") as PublishedFile;
  const card = { ...old, bytes: new Uint8Array([...old.bytes, ...new Uint8Array(n).fill(0x20)]) };
  return { files: files.map((f) => (f === old ? card : f)), card };
}

/**
 * Publishes `version` as the beta channel and returns a fetch that serves it (ETag, 304) beside the fake API.
 * The fake's own channel then still points at it: publish stable's version again afterwards.
 */
async function publishBeta(version: string, published: PublishedFile[]): Promise<typeof fetch> {
  await api.publish(version, published);
  const response = await api.fetch(`${API}/v1/models/channels/stable/manifest`);
  const [body, etag] = [await response.text(), response.headers.get("etag") ?? ""];
  api.requests.pop();
  return async (input, init) => {
    const url = new URL(String(input));
    if (url.pathname !== "/v1/models/channels/beta/manifest") return api.fetch(input, init);
    const headers = (init?.headers ?? {}) as Record<string, string>;
    const status = headers["if-none-match"] === etag ? 304 : 200;
    api.requests.push({ url: url.toString(), headers, status });
    return status === 304 ? new Response(null, { status }) : new Response(body, { headers: { etag } });
  };
}

const DEVICE_RECORD = `device:${API}:default`;

/** Everything a failed call must leave alone: the device record and the cached files. */
async function snapshot(): Promise<{ record: string | undefined; files: string[] }> {
  return { record: await cache.readRecord(DEVICE_RECORD), files: (await cache.list()).sort() };
}

describe("ModelStore", () => {
  test("downloads, verifies and caches every runtime file on the first load", async () => {
    await api.publish("v1", files);
    const progress: number[] = [];
    const { store: s } = store();
    const result = await s.load({ onProgress: (p) => progress.push(p.totalLoaded / p.totalBytes) });
    expect(result).toMatchObject({ status: "installed", version: "v1", channel: "stable" });
    expect(result.signedBy).toEqual({ keyId: api.trustedKey.keyId, label: "test key", development: true });
    expect(result.bundle.manifest?.version).toBe("v1");
    expect([...result.bundle.files.keys()].sort()).toEqual(
      ["card", "clip-image", "clip-text", "gpt-step", "tokenizer", "vq-decoder", "vq-encoder"].sort(),
    );
    expect(api.fileRequests()).toBe(7);
    expect(progress.at(-1)).toBe(1);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(await cache.list()).toHaveLength(7);
  });

  test("downloads the optional maskgit graph when the manifest lists one, and counts it in an update", async () => {
    const tiny = await bundleFiles(TINY_BUNDLE_DIR);
    const maskgit = tiny.find((f) => f.role === "maskgit") as PublishedFile;
    await api.publish("v1", tiny);
    const { store: s } = store();
    const runtimeOnly = new ModelStore({
      api: API,
      cache,
      trustedKeys: [api.trustedKey],
      fetch: api.fetch,
      roles: RUNTIME_ROLES,
    });
    const [all, withoutMaskgit] = [await s.checkForUpdate(), await runtimeOnly.checkForUpdate()];
    expect(all.downloadBytes - withoutMaskgit.downloadBytes).toBe(maskgit.bytes.length);
    const result = await s.load();
    expect(result.bundle.files.get("maskgit")?.sha256).toBe(await sha256Hex(maskgit.bytes));
    expect(api.fileRequests()).toBe(8);
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
    expect(await s.checkForUpdate()).toMatchObject({ available: false, version: "v1", current: "v1" });
    expect(api.requests.at(-1)?.status).toBe(304);
    await api.publish("v2", files);
    expect(await s.checkForUpdate()).toMatchObject({ available: true, version: "v2", current: "v1" });
  });
});

describe("ModelStore update modes", () => {
  test("manual mode opens the cached version with no request, even when the channel moved", async () => {
    await api.publish("v1", files);
    await store().store.load();
    await api.publish("v2", newVersion(1).files);
    fetchCalls = [];
    const result = await store().store.load({ update: "manual" });
    expect(fetchCalls).toEqual([]);
    expect(result).toMatchObject({ status: "cached", version: "v1", channel: "stable" });
    expect(result.bundle.manifest?.version).toBe("v1");
  });

  test("manual mode installs the channel's newest version when nothing is cached", async () => {
    await api.publish("v1", files);
    const result = await store().store.load({ update: "manual" });
    expect(result).toMatchObject({ status: "installed", version: "v1" });
    expect(await cache.list()).toHaveLength(7);
  });

  test("works offline from the cache in both modes", async () => {
    await api.publish("v1", files);
    await store().store.load();
    api.offline = true;
    expect((await store().store.load({ update: "manual" })).status).toBe("cached");
    const auto = await store().store.load({ update: "auto" });
    expect(auto).toMatchObject({ status: "offline", version: "v1" });
    expect(auto.error).toBeInstanceOf(DownloadError);
  });

  test("manual mode still re-verifies the stored envelope", async () => {
    await api.publish("v1", files);
    await store().store.load();
    const record = JSON.parse((await cache.readRecord(DEVICE_RECORD)) as string);
    record.current.envelope.manifest.version = "v9";
    await cache.writeRecord(DEVICE_RECORD, JSON.stringify(record));
    await expect(store().store.load({ update: "manual" })).rejects.toBeInstanceOf(SignatureError);
  });

  test("refuses an update mode it does not know", async () => {
    const load = store().store.load({ update: "sometimes" as "auto" });
    await expect(load).rejects.toBeInstanceOf(ModelOptionError);
    expect(fetchCalls).toEqual([]);
  });
});

describe("ModelStore as a Models page's manager", () => {
  test("checkForUpdate reports the new version, its manifest and only the bytes not yet cached", async () => {
    // The tiny fixture ships its GPT step in fp16 and int8 (models/default may ship one of them only).
    files = await bundleFiles(TINY_BUNDLE_DIR);
    await api.publish("v1", files);
    const { store: s } = store();
    await s.load();
    const next = newVersion(3);
    await api.publish("v2", next.files);
    const before = api.fileRequests();
    const check = await s.checkForUpdate();
    expect(check).toMatchObject({ available: true, version: "v2", current: "v1" });
    expect(check.downloadBytes).toBe(next.card.bytes.length);
    expect(check.manifest.created).toBe("2026-11-28T12:00:00.000Z");
    expect(check.manifest.files.map((f) => f.name)).toContain("card.json");
    expect(check.signedBy.keyId).toBe(api.trustedKey.keyId);
    const int8 = files.find((f) => f.precision === "int8-weights") as PublishedFile;
    const smaller = await s.checkForUpdate({ precisions: ["int8-weights", "fp16-weights", "fp32"] });
    expect(smaller.downloadBytes).toBe(next.card.bytes.length + int8.bytes.length);
    expect(api.fileRequests()).toBe(before);
    expect(await s.activeVersion()).toBe("v1");
  });

  test("install switches to the channel's newest version, keeping the old one as previous", async () => {
    await api.publish("v1", files);
    const { store: s } = store();
    await s.load();
    await api.publish("v2", newVersion(1).files);
    const updates: unknown[] = [];
    s.on("update", (u) => updates.push(u));
    const progress: number[] = [];
    const before = api.fileRequests();
    const result = await s.install({ onProgress: (p) => progress.push(p.totalLoaded / p.totalBytes) });
    expect(result).toMatchObject({ status: "installed", version: "v2", channel: "stable" });
    expect(api.fileRequests()).toBe(before + 1);
    expect(progress.at(-1)).toBe(1);
    expect(updates).toEqual([{ from: "v1", to: "v2" }]);
    expect((await s.versions()).map((v) => [v.slot, v.version])).toEqual([
      ["current", "v2"],
      ["previous", "v1"],
    ]);
    expect((await s.install()).status).toBe("current");
  });

  test("install refuses a file with a flipped byte and changes neither the record nor the cache", async () => {
    await api.publish("v1", files);
    const { store: s } = store();
    await s.load();
    const next = newVersion(2);
    await api.publish("v2", next.files);
    const corrupt = next.card.bytes.slice();
    corrupt[10] = (corrupt[10] as number) ^ 0x01;
    api.served.set(await sha256Hex(next.card.bytes), corrupt);
    const before = await snapshot();
    await expect(s.install()).rejects.toBeInstanceOf(IntegrityError);
    expect(await snapshot()).toEqual(before);
    expect(await s.activeVersion()).toBe("v1");
  });

  test("install refuses a manifest with a flipped byte and changes neither the record nor the cache", async () => {
    await api.publish("v1", files);
    const { store: s } = store();
    await s.load();
    await api.publish("v2", newVersion(2).files, (text) => text.replace('"version":"v2"', '"version":"v3"'));
    const before = await snapshot();
    await expect(s.install()).rejects.toBeInstanceOf(SignatureError);
    expect(await snapshot()).toEqual(before);
  });

  test("install drops the verified files of a version it then refuses", async () => {
    await api.publish("v1", files);
    const { store: s } = store();
    await s.load();
    await api.publish("v2", withNewWeights().files);
    const before = await snapshot();
    const downloaded = api.fileRequests();
    await expect(s.install()).rejects.toBeInstanceOf(BundleFormatError);
    expect(api.fileRequests()).toBe(downloaded + 1);
    expect(await snapshot()).toEqual(before);
  });

  test("rolls back to the previous version without any file request, and forward again", async () => {
    await api.publish("v1", files);
    const { store: s } = store();
    await s.load();
    await api.publish("v2", newVersion(1).files);
    await s.install();
    const updates: unknown[] = [];
    s.on("update", (u) => updates.push(u));
    fetchCalls = [];
    const back = await s.rollback();
    expect(back).toMatchObject({ status: "rolled-back", version: "v1", channel: "stable" });
    expect(back.bundle.manifest?.version).toBe("v1");
    expect(await s.activeVersion()).toBe("v1");
    expect((await store().store.load({ update: "manual" })).version).toBe("v1");
    const forward = await s.rollback();
    expect(forward).toMatchObject({ status: "rolled-back", version: "v2" });
    expect(fetchCalls).toEqual([]);
    expect(updates).toEqual([
      { from: "v2", to: "v1" },
      { from: "v1", to: "v2" },
    ]);
  });

  test("rollback without a previous version throws NoPreviousVersionError", async () => {
    const { store: s } = store();
    await expect(s.rollback()).rejects.toBeInstanceOf(NoPreviousVersionError);
    await api.publish("v1", files);
    await s.load();
    const error = await s.rollback().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoPreviousVersionError);
    expect((error as Error).message).toMatch(/install\(\)/);
    expect(await s.activeVersion()).toBe("v1");
  });

  test("rollback throws NoPreviousVersionError when a file of the previous version left the cache", async () => {
    await api.publish("v1", files);
    const { store: s } = store();
    await s.load();
    await api.publish("v2", newVersion(1).files);
    await s.install();
    await cache.delete(await sha256Hex((files.find((f) => f.role === "card") as PublishedFile).bytes));
    const before = await snapshot();
    fetchCalls = [];
    const error = await s.rollback().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoPreviousVersionError);
    expect((error as Error).message).toContain("card.json");
    expect(fetchCalls).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });

  test("rollback refuses a previous version whose cached bytes changed, rather than downloading it", async () => {
    await api.publish("v1", files);
    const { store: s } = store();
    await s.load();
    await api.publish("v2", newVersion(1).files);
    await s.install();
    const card = (files.find((f) => f.role === "card") as PublishedFile).bytes;
    await cache.put(
      await sha256Hex(card),
      card.map((x, i) => (i === 0 ? x ^ 1 : x)),
    );
    fetchCalls = [];
    await expect(s.rollback()).rejects.toBeInstanceOf(NoPreviousVersionError);
    expect(fetchCalls).toEqual([]);
    expect(await s.activeVersion()).toBe("v2");
  });

  test("lists the cached versions with their channel, size, date and signer", async () => {
    await api.publish("v1", files);
    const { store: s } = store();
    expect(await s.versions()).toEqual([]);
    const first = await s.load();
    await api.publish("v2", newVersion(1).files);
    await s.install();
    const versions = await s.versions();
    const v1Bytes = [...first.bundle.files.values()].reduce((n, f) => n + f.bytes.length, 0);
    expect(versions[1]).toEqual({
      slot: "previous",
      version: "v1",
      channel: "stable",
      bytes: v1Bytes,
      complete: true,
      manifestSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      created: "2026-11-28T12:00:00.000Z",
      signedBy: { keyId: api.trustedKey.keyId, label: "test key", development: true },
    });
    expect(versions[0]).toMatchObject({ slot: "current", version: "v2", bytes: v1Bytes + 1, complete: true });
    expect(versions[0]?.manifestSha256).not.toBe(versions[1]?.manifestSha256);
  });

  test("pruning keeps exactly the files of the current and the previous version", async () => {
    const { store: s } = store();
    const used: Set<string>[] = [];
    for (const [i, version] of ["v1", "v2", "v3"].entries()) {
      await api.publish(version, newVersion(i).files);
      const { bundle } = await s.load();
      used.push(new Set([...bundle.files.values()].map((f) => f.sha256)));
    }
    expect((await cache.list()).sort()).toEqual([...new Set([...used[1]!, ...used[2]!])].sort());
  });

  test("switching from stable to beta keeps stable's version, and its files, as previous", async () => {
    await api.publish("v1", files);
    await store().store.load();
    const fetch = await publishBeta("v2", newVersion(1).files);
    await api.publish("v1", files);
    const beta = await store({ channel: "beta", fetch }).store.load();
    expect(beta).toMatchObject({ status: "installed", version: "v2", channel: "beta" });
    const { store: stable } = store({ fetch });
    expect((await stable.versions()).map((v) => [v.slot, v.version, v.channel, v.complete])).toEqual([
      ["current", "v2", "beta", true],
      ["previous", "v1", "stable", true],
    ]);
    fetchCalls = [];
    expect(await stable.load({ update: "manual" })).toMatchObject({ status: "cached", channel: "beta" });
    expect(fetchCalls).toEqual([]);
    // Auto on stable: no ETag (the current version came from beta), and v1 comes back from the cache.
    const before = api.fileRequests();
    const back = await stable.load();
    expect(back).toMatchObject({ status: "installed", version: "v1", channel: "stable" });
    expect(api.requests.at(-1)?.headers["if-none-match"]).toBeUndefined();
    expect(api.fileRequests()).toBe(before);
    await stable.load();
    expect(api.requests.at(-1)).toMatchObject({ status: 304 });
    expect(await cache.readRecord(`active:${API}:default:stable`)).toBeUndefined();
  });

  test("clear empties the cache, and the next load downloads again", async () => {
    await api.publish("v1", files);
    const { store: s } = store();
    await s.load();
    await api.publish("v2", newVersion(1).files);
    await s.install();
    await s.clear();
    expect(await cache.list()).toEqual([]);
    expect(await s.versions()).toEqual([]);
    expect(await s.activeVersion()).toBeUndefined();
    const before = api.fileRequests();
    expect((await s.load({ update: "manual" })).status).toBe("installed");
    expect(api.fileRequests()).toBe(before + 7);
  });

  test("shares a cache with a store of another API origin: pruning and clearing leave its files", async () => {
    await api.publish("v1", files);
    const { store: ours } = store();
    const v1Files = [...(await ours.load()).bundle.files.values()].map((f) => f.sha256);
    const { store: mirror } = store({ api: "http://mirror.test" });
    let mirrored: string[] = [];
    for (const [i, version] of ["v2", "v3", "v4"].entries()) {
      await api.publish(version, newVersion(i + 1).files);
      mirrored = [...(await mirror.load()).bundle.files.values()].map((f) => f.sha256);
    }
    expect(await cache.list()).toEqual(expect.arrayContaining(v1Files));
    await ours.clear();
    const previousCard = await sha256Hex(newVersion(2).card.bytes);
    expect((await cache.list()).sort()).toEqual([...new Set([...mirrored, previousCard])].sort());
    expect(await mirror.activeVersion()).toBe("v4");
    expect(await ours.activeVersion()).toBeUndefined();
  });

  test("migrates a record of the old per-channel format and opens it without a request", async () => {
    await api.publish("v1", files);
    await store().store.load();
    const { current } = JSON.parse((await cache.readRecord(DEVICE_RECORD)) as string);
    const legacy = { envelope: current.envelope, etag: current.etag, manifestSha256: current.manifestSha256 };
    const [stableKey, betaKey] = [`active:${API}:default:stable`, `active:${API}:default:beta`];
    await cache.writeRecord(DEVICE_RECORD, "");
    await cache.writeRecord(stableKey, JSON.stringify({ ...legacy, version: "v1", previousFiles: [] }));
    await cache.writeRecord(betaKey, JSON.stringify({ ...legacy, version: "v1", previousFiles: [] }));
    await cache.writeRecord("stores", JSON.stringify([stableKey, betaKey]));
    fetchCalls = [];
    const result = await store().store.load({ update: "manual" });
    expect(result).toMatchObject({ status: "cached", version: "v1", channel: "stable" });
    expect(fetchCalls).toEqual([]);
    expect(await cache.readRecord(stableKey)).toBe("");
    expect(await cache.readRecord(betaKey)).toBe("");
    expect(JSON.parse((await cache.readRecord("stores")) as string)).toEqual([DEVICE_RECORD]);
    expect(await store().store.load()).toMatchObject({ status: "current" });
    expect(api.requests.at(-1)?.status).toBe(304);
  });
});
