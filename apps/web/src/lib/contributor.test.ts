import { createApiClient } from "@commonspace/api/client";
import { describe, expect, it } from "vitest";
import { ContributorError, ContributorIdentity, type KeyValueStore } from "./contributor";

function memoryStore(): KeyValueStore & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return { map, getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v) };
}

function apiAnswering(status: number) {
  let calls = 0;
  const fetch = async () => {
    calls += 1;
    const body = {
      id: `ctb_${calls}`,
      token: `cst_${"x".repeat(20)}${calls}`,
      created_at: "2026-12-01T00:00:00.000Z",
    };
    return new Response(
      JSON.stringify(status === 201 ? body : { error: { code: "rate_limited", message: "slow" } }),
      {
        status,
        headers: { "content-type": "application/json" },
      },
    );
  };
  return { client: createApiClient("http://api.test", { fetch }), calls: () => calls };
}

describe("ContributorIdentity", () => {
  it("creates one contributor on first need, however many callers ask at once, and keeps it", async () => {
    const api = apiAnswering(201);
    const store = memoryStore();
    const identity = new ContributorIdentity(api.client, store);
    expect(identity.current()).toBeUndefined();
    const [a, b] = await Promise.all([identity.get(), identity.get()]);
    expect(a).toEqual(b);
    expect(api.calls()).toBe(1);
    expect(await new ContributorIdentity(api.client, store).authorization()).toBe(`Bearer ${a.token}`);
    expect(api.calls()).toBe(1);
  });

  it("replaces a damaged stored entry, and says so when the API refuses", async () => {
    const store = memoryStore();
    store.setItem("commonspace.contributor", "{not json");
    await expect(new ContributorIdentity(apiAnswering(429).client, store).get()).rejects.toThrow(
      ContributorError,
    );
    const identity = new ContributorIdentity(apiAnswering(201).client, store);
    expect((await identity.get()).id).toBe("ctb_1");
  });
});
