import { describe, expect, it } from "vitest";
import { ImportRequestError } from "./errors";
import { importSeed, postBatch } from "./import";
import { FIXTURE_ITEMS } from "./test-fixtures";
import type { ImportBatch, SeedItemWithImage } from "./types";

const batch: ImportBatch = { items: [] };

/** A fetch that answers with the given statuses in turn and records the requests. */
function scriptedFetch(statuses: (number | Error)[], headers: Record<string, string> = {}) {
  const calls: { url: string; init: RequestInit | undefined }[] = [];
  const fetch = async (url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    calls.push({ url: String(url), init });
    const next = statuses[Math.min(calls.length - 1, statuses.length - 1)];
    if (next instanceof Error) throw next;
    return new Response(next === 200 ? '{"imported":0}' : "nope", { status: next, headers });
  };
  return { fetch: fetch as typeof globalThis.fetch, calls };
}

describe("postBatch", () => {
  it("sends the batch with the bearer token to the admin import route", async () => {
    const { fetch, calls } = scriptedFetch([200]);
    const answer = await postBatch(batch, { apiUrl: "http://api.test/", adminToken: "tok", fetch });
    expect(answer).toEqual({ imported: 0 });
    expect(calls[0]?.url).toBe("http://api.test/v1/admin/import");
    expect(calls[0]?.init?.headers).toMatchObject({ authorization: "Bearer tok" });
    expect(JSON.parse(String(calls[0]?.init?.body))).toEqual(batch);
  });

  it("retries 429, 5xx and network errors with growing delays", async () => {
    const { fetch, calls } = scriptedFetch([429, 503, new Error("reset"), 200]);
    const delays: number[] = [];
    const sleep = async (ms: number): Promise<void> => void delays.push(ms);
    await postBatch(batch, { apiUrl: "http://api.test", adminToken: "t", fetch, sleep, baseDelayMs: 10 });
    expect(calls).toHaveLength(4);
    expect(delays).toEqual([10, 20, 40]);
  });

  it("waits as long as Retry-After says", async () => {
    const { fetch } = scriptedFetch([429, 200], { "retry-after": "2" });
    const delays: number[] = [];
    const sleep = async (ms: number): Promise<void> => void delays.push(ms);
    await postBatch(batch, { apiUrl: "http://api.test", adminToken: "t", fetch, sleep });
    expect(delays).toEqual([2000]);
  });

  it("fails at once on a 4xx that retrying cannot fix", async () => {
    const { fetch, calls } = scriptedFetch([401]);
    const error: unknown = await postBatch(batch, {
      apiUrl: "http://api.test",
      adminToken: "bad",
      fetch,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportRequestError);
    expect((error as ImportRequestError).status).toBe(401);
    expect(calls).toHaveLength(1);
  });

  it("gives up after maxAttempts, naming the last status", async () => {
    const { fetch, calls } = scriptedFetch([500]);
    const sleep = async (): Promise<void> => {};
    const error: unknown = await postBatch(batch, {
      apiUrl: "http://a",
      adminToken: "t",
      fetch,
      sleep,
      maxAttempts: 3,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportRequestError);
    expect((error as Error).message).toMatch(/HTTP 500/);
    expect(calls).toHaveLength(3);
  });
});

describe("importSeed", () => {
  it("posts every batch in order and can resume from a later batch", async () => {
    const items = Array.from({ length: 5 }, () => ({
      ...(FIXTURE_ITEMS[0] as SeedItemWithImage),
      png: Uint8Array.of(1),
    }));
    const { fetch, calls } = scriptedFetch([200]);
    const options = { apiUrl: "http://a", adminToken: "t", fetch };
    expect(await importSeed(items, options)).toEqual({ batches: 1, items: 5 });
    const many = Array.from({ length: 250 }, () => items[0] as SeedItemWithImage);
    expect(await importSeed(many, { ...options, fromBatch: 2 })).toEqual({ batches: 1, items: 50 });
    expect(calls).toHaveLength(2);
  });
});
