// The orphan sweep through the worker's real `scheduled` handler (the cron trigger): R2 objects that no D1 row
// references are deleted once older than the grace period; referenced and young objects stay.
import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../src/index";
import { sweepOrphans } from "../src/dataset/sweep";
import { call, contribute, newContributor } from "./helpers/api";
import { pngBytes } from "./helpers/image-bytes";
import { importSeedDataset } from "./helpers/seed-dataset";

async function keys(prefix: string): Promise<string[]> {
  return (await env.BUCKET.list({ prefix, limit: 1000 })).objects.map((object) => object.key).sort();
}

async function runCron(vars: Record<string, string>, scheduledTime = Date.now()) {
  await worker.scheduled(createScheduledController({ cron: "17 3 * * *", scheduledTime }), {
    ...env,
    ...vars,
  });
}

beforeAll(async () => {
  await importSeedDataset();
});

describe("scheduled sweep", () => {
  it("deletes unreferenced image and model objects past the grace period and keeps everything referenced", async () => {
    const referenced = await keys("images/");
    await env.BUCKET.put(`images/${"a".repeat(64)}`, new Uint8Array([1, 2, 3]));
    await env.BUCKET.put(`models/${"b".repeat(64)}`, new Uint8Array([4]));
    // A contribution whose bytes stay because its row references them, and a withdrawn one whose delete
    // "failed" (its bytes put back by hand), which the sweep must catch.
    const { token } = await newContributor();
    const kept = (await (
      await contribute(token, { image: pngBytes(16, 16, 9100), caption: "kept" })
    ).json()) as {
      image: { sha256: string };
    };
    const gone = (await (
      await contribute(token, { image: pngBytes(16, 16, 9101), caption: "gone" })
    ).json()) as {
      image: { sha256: string };
      pair: { id: string };
    };
    await call(`/v1/contributions/${gone.pair.id}`, {
      method: "DELETE",
      headers: { Authorization: `Bearer ${token}` },
    });
    await env.BUCKET.put(`images/${gone.image.sha256}`, pngBytes(16, 16, 9101));

    await runCron({ SWEEP_GRACE_SECONDS: "0" }, Date.now() + 1000);
    expect(await keys("images/")).toEqual([...referenced, `images/${kept.image.sha256}`].sort());
    expect(await keys("models/")).toEqual([]);
  });

  it("spares unreferenced objects younger than the grace period", async () => {
    const orphan = `images/${"c".repeat(64)}`;
    await env.BUCKET.put(orphan, new Uint8Array([5]));
    await runCron({ SWEEP_GRACE_SECONDS: "3600" });
    expect(await env.BUCKET.head(orphan)).not.toBeNull();
    const result = await sweepOrphans(env, { nowMs: Date.now() + 3_601_000, graceMs: 3_600_000 });
    expect(result.deleted).toEqual([orphan]);
    expect(result.listed).toBeGreaterThan(1);
  });

  it("fails loudly on a malformed grace period instead of deleting with a guess", async () => {
    const orphan = `images/${"d".repeat(64)}`;
    await env.BUCKET.put(orphan, new Uint8Array([6]));
    await expect(runCron({ SWEEP_GRACE_SECONDS: "soon" })).rejects.toThrow(/SWEEP_GRACE_SECONDS/);
    expect(await env.BUCKET.head(orphan)).not.toBeNull();
  });
});
