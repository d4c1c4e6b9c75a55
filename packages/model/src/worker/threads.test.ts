// Thread settings get their own file: the wasm thread count is fixed for the process once ORT starts.
import { afterAll, describe, expect, test } from "vitest";
import { TINY_BUNDLE_DIR } from "../../test/bundle-under-test";
import { createWorkerPair, staticFetch } from "../../test/worker-pair";
import { describeWasmThreads, env, type ThreadScope } from "../env";
import { ModelOptionError } from "../errors";

class FakeWorkerScope {}
const workerScope = (isolated: boolean, cores: number): ThreadScope =>
  Object.assign(Object.create(FakeWorkerScope.prototype) as object, {
    WorkerGlobalScope: FakeWorkerScope,
    crossOriginIsolated: isolated,
    navigator: { hardwareConcurrency: cores },
  });
const pageScope = (isolated: boolean, cores: number): ThreadScope => ({
  crossOriginIsolated: isolated,
  navigator: { hardwareConcurrency: cores },
});

afterAll(() => {
  env.wasm.threads = "auto";
});

describe("wasm threads", () => {
  test.each([
    [
      "a worker, isolated, 2 cores",
      workerScope(true, 2),
      1,
      "1 wasm thread (cross-origin isolated, 2 cores: half of them)",
    ],
    [
      "a worker, isolated, 16 cores",
      workerScope(true, 16),
      4,
      "4 wasm threads (cross-origin isolated, 16 cores: half of them)",
    ],
    [
      "a worker, not isolated",
      workerScope(false, 8),
      1,
      "1 wasm thread: this page is not cross-origin isolated (needs COOP same-origin + COEP require-corp)",
    ],
    [
      "a page, isolated, 8 cores",
      pageScope(true, 8),
      4,
      "4 wasm threads (cross-origin isolated, 8 cores: half of them)",
    ],
    ["Node", globalThis as ThreadScope, 1, "1 wasm thread: Node uses one unless env.wasm.threads says more"],
  ])('"auto" in %s', (_, scope, threads, reason) => {
    expect(describeWasmThreads(scope)).toEqual({ threads, reason });
  });

  test("a forced count, and what a page without isolation makes of it", () => {
    env.wasm.threads = 2;
    expect(describeWasmThreads(globalThis as ThreadScope)).toEqual({
      threads: 2,
      reason: "2 wasm threads (env.wasm.threads = 2)",
    });
    expect(describeWasmThreads(workerScope(false, 8))).toEqual({
      threads: 1,
      reason:
        "1 wasm thread: 2 were asked for, but this page is not cross-origin isolated (needs COOP same-origin + COEP require-corp)",
    });
    env.wasm.threads = "auto";
  });

  test("a client sets the worker's thread count before the first session, and not after", async () => {
    const BASE = "http://static.test/tiny/";
    const pair = createWorkerPair({ fetch: staticFetch(TINY_BUNDLE_DIR, BASE) });
    try {
      const client = pair.client({ threads: 1 });
      expect(await client.backend()).toMatchObject({
        threads: 1,
        threadsReason: "1 wasm thread (env.wasm.threads = 1)",
      });
      await client.load({ url: BASE });
      await client.embedText(["x"]); // the first session fixes the count
      const late = await client.load({ url: BASE }, { threads: 2 }).catch((e: unknown) => e);
      expect(late).toBeInstanceOf(ModelOptionError);
      expect((late as Error).message).toMatch(/create a new client \(a new worker\) to change them/);
      expect((await client.load({ url: BASE }, { threads: 1 })).version).toBeTruthy();
    } finally {
      pair.close();
    }
  });
});
