// Concurrent contributions, some of them retries with the same idempotency key, leave exactly the rows
// expected: nothing lost, nothing doubled.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { contribute, newContributor } from "./helpers/api";
import { pngBytes } from "./helpers/image-bytes";

describe("concurrent contributions", () => {
  it("leave one row per distinct image, caption and pair, and one key per idempotency key", async () => {
    const a = await newContributor();
    const b = await newContributor();
    const distinct = 12;
    const sends: Promise<Response>[] = [];
    for (let i = 0; i < distinct; i++) {
      const who = i % 2 === 0 ? a : b;
      const request = {
        image: pngBytes(16, 16, 500 + i),
        caption: `concurrent square ${i}`,
        key: `key-${i}`,
      };
      sends.push(contribute(who.token, request));
      // Every third request is retried twice at once with the same key and body, as a flaky client would.
      if (i % 3 === 0) sends.push(contribute(who.token, request), contribute(who.token, request));
    }
    // Two different contributors send the same image with the same caption under their own keys.
    const shared = { image: pngBytes(16, 16, 600), caption: "shared square" };
    sends.push(
      contribute(a.token, { ...shared, key: "shared-a" }),
      contribute(b.token, { ...shared, key: "shared-b" }),
    );

    const responses = await Promise.all(sends);
    const statuses = responses.map((res) => res.status);
    expect(statuses.every((status) => status === 200 || status === 201)).toBe(true);
    const bodies = await Promise.all(responses.map((res) => res.json() as Promise<{ pair: { id: string } }>));
    // Retries answer with the very pair their original created.
    const pairIds = new Set(bodies.map((body) => body.pair.id));
    expect(pairIds.size).toBe(distinct + 1);

    const counts = await env.DB.prepare(
      `SELECT (SELECT count(*) FROM images) AS images, (SELECT count(*) FROM captions) AS captions,
              (SELECT count(*) FROM pairs) AS pairs, (SELECT count(*) FROM idempotency_keys) AS keys`,
    ).first();
    expect(counts).toEqual({
      images: distinct + 1,
      captions: distinct + 1,
      pairs: distinct + 1,
      keys: distinct + 2,
    });
    expect((await env.BUCKET.list()).objects.length).toBe(distinct + 1);
  });
});
