import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { API, bundleFiles, FakeApi } from "../../test/fake-api";
import { TINY_BUNDLE_DIR, TINY_FORMAT2_DIR } from "../../test/bundle-under-test";
import { createWorkerPair, type WorkerPair } from "../../test/worker-pair";
import { createMemoryCache } from "../bundle/cache";
import { CancelledError, NoPreviousVersionError } from "../errors";
import { createModel } from "../model";
import { loadBundleFromDirectory } from "../node/directory";
import type { WorkerStoreSource } from "./protocol";

let api: FakeApi;
let pair: WorkerPair;
let source: WorkerStoreSource;

beforeEach(async () => {
  api = await FakeApi.create();
  await api.publish("v1", await bundleFiles(TINY_BUNDLE_DIR));
  pair = createWorkerPair({ fetch: api.fetch, cache: async () => createMemoryCache() });
  source = { api: API, trustedKeys: [api.trustedKey], retries: 1, backoffMs: 0 };
});
afterEach(() => pair.close());

const fileUrls = (): string[] =>
  api.requests.filter((r) => r.url.includes("/v1/models/files/")).map((r) => r.url);

async function codesOf(dir: string, seed: number): Promise<number[][]> {
  const model = createModel(await loadBundleFromDirectory(dir));
  const { candidates } = await model.generate("red apple", { count: 2, seed });
  await model.dispose();
  return candidates.map((c) => Array.from(c.codes));
}

describe("store operations through the worker", () => {
  test("two clients loading the same channel share one download", async () => {
    const [a, b] = [pair.client(), pair.client()];
    const progress: number[] = [];
    const [first, second] = await Promise.all([
      a.load(source, { onProgress: (p) => progress.push(p.totalLoaded) }),
      b.load(source),
    ]);
    expect([first.version, second.version]).toEqual(["v1", "v1"]);
    expect(first).toMatchObject({ status: "installed", channel: "stable", signedBy: { label: "test key" } });
    expect(fileUrls().length).toBeGreaterThan(0);
    expect(new Set(fileUrls()).size).toBe(fileUrls().length);
    expect(progress.length).toBeGreaterThan(0);
    const requests = api.requests.length;
    expect((await pair.client().load(source)).version).toBe("v1"); // a later consumer: nothing fetched
    expect(api.requests.length).toBe(requests);
  });

  test("one consumer cancelling a shared load leaves the other's load running", async () => {
    const [a, b] = [pair.client(), pair.client()];
    const controller = new AbortController();
    const cancelled = a.load(source, { signal: controller.signal, onProgress: () => controller.abort() });
    const kept = b.load(source);
    await expect(cancelled).rejects.toBeInstanceOf(CancelledError);
    expect((await kept).version).toBe("v1");
  });

  test("install swaps the model: a generation under way finishes on the old one, the next uses the new", async () => {
    const [v1Codes, v2Codes] = [await codesOf(TINY_BUNDLE_DIR, 4), await codesOf(TINY_FORMAT2_DIR, 4)];
    expect(v2Codes).not.toEqual(v1Codes);
    const [client, watcher] = [pair.client(), pair.client()];
    const seen: string[] = [];
    watcher.on("model", (m) => seen.push(m.version));
    const updates: unknown[] = [];
    watcher.on("update", (u) => updates.push(u));
    await client.load(source);
    await api.publish("v2", await bundleFiles(TINY_FORMAT2_DIR));
    expect(await client.checkForUpdate()).toMatchObject({ available: true, version: "v2", current: "v1" });

    const during = client.generate("red apple", { count: 2, seed: 4 });
    const installed = await client.install();
    expect(installed).toMatchObject({ version: "v2", status: "installed" });
    expect((await during).candidates.map((c) => Array.from(c.codes))).toEqual(v1Codes);
    const after = await client.generate("red apple", { count: 2, seed: 4 });
    expect(after.candidates.map((c) => Array.from(c.codes))).toEqual(v2Codes);
    expect(seen).toEqual(["v1", "v2"]);
    expect(updates).toEqual([
      { from: undefined, to: "v1" },
      { from: "v1", to: "v2" },
    ]);
    expect(watcher.model?.version).toBe("v2");
    expect(client.card?.format).toBe(2);

    expect((await client.versions()).map((v) => [v.slot, v.version])).toEqual([
      ["current", "v2"],
      ["previous", "v1"],
    ]);
    expect(await client.rollback()).toMatchObject({ version: "v1", status: "rolled-back" });
    const back = await client.generate("red apple", { count: 2, seed: 4 });
    expect(back.candidates.map((c) => Array.from(c.codes))).toEqual(v1Codes);
    expect(await client.activeVersion()).toBe("v1");
  });

  test("store errors arrive as the same classes, with their fields", async () => {
    const client = pair.client();
    await client.load(source);
    const error = await client.rollback().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoPreviousVersionError);
    expect(error).toMatchObject({ name: "NoPreviousVersionError", model: "default", api: "http://api.test" });
    await client.clear();
    expect(await client.versions()).toEqual([]);
  });

  test("a failed load of another source leaves the model, and the next install, as they were", async () => {
    const client = pair.client();
    await client.load(source);
    await expect(client.load({ url: "http://api.test/no-such-bundle/" })).rejects.toMatchObject({
      name: "DownloadError",
      status: 404,
    });
    expect(client.model?.version).toBe("v1");
    await api.publish("v2", await bundleFiles(TINY_FORMAT2_DIR));
    expect(await client.install()).toMatchObject({ version: "v2", status: "installed" });
    expect(client.card?.format).toBe(2);
  });

  test("store operations on a model without a store say what to load", async () => {
    await expect(pair.client().checkForUpdate()).rejects.toThrow(
      "checkForUpdate needs a model loaded from an API channel, but no model is loaded. Call load({ api, channel }) first.",
    );
  });
});
