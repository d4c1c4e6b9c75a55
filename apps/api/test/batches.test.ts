import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { callWithEnv, expectApiError, get, newContributor, postJson } from "./helpers/api";
import { importSeedDataset } from "./helpers/seed-dataset";

interface Batch {
  seed: number;
  n: number;
  pairs: {
    pair_id: string;
    image: { sha256: string; concept: string | null; status: string };
    caption: { id: string; text: string };
    negatives: { caption_id: string; text: string }[];
  }[];
}

async function batch(query: string, vars: Record<string, string> = {}): Promise<Batch> {
  const res = await callWithEnv(new Request(`http://api.test/v1/batches/contrastive?${query}`), {
    ...env,
    ...vars,
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Batch;
}

beforeAll(async () => {
  await importSeedDataset();
});

describe("GET /v1/batches/contrastive", () => {
  it("is reproducible: the same seed over the same data gives the same batch", async () => {
    const first = await batch("n=8&seed=42");
    const second = await batch("n=8&seed=42");
    expect(second).toEqual(first);
    expect(first.seed).toBe(42);
    expect(first.pairs.length).toBe(8);
  });

  it("gives different batches for different seeds", async () => {
    const orders = new Set<string>();
    for (const seed of [1, 2, 3, 4])
      orders.add((await batch(`n=6&seed=${seed}`)).pairs.map((p) => p.pair_id).join());
    expect(orders.size).toBeGreaterThan(1);
  });

  it("takes at most one pair per image and per concept, so in-batch negatives are real", async () => {
    const { pairs } = await batch("n=50&seed=7");
    // 14 concepts in the seed dataset.
    expect(pairs.length).toBe(14);
    expect(new Set(pairs.map((pair) => pair.image.concept)).size).toBe(14);
    expect(pairs.every((pair) => pair.image.status === "approved")).toBe(true);
  });

  it("draws a seed when none is given and reports it, so the batch can be fetched again", async () => {
    const drawn = await batch("n=5");
    expect(Number.isInteger(drawn.seed)).toBe(true);
    expect(await batch(`n=5&seed=${drawn.seed}`)).toEqual(drawn);
  });

  it("attaches explicit negatives from judgments, under the agreement rule", async () => {
    const { token } = await newContributor();
    let answered = 0;
    for (let i = 0; i < 6; i++) {
      const issued = (await (await get("/v1/tasks/next?k=4", token)).json()) as {
        task: { id: string };
        token: string;
      };
      const res = await postJson(
        `/v1/tasks/${issued.task.id}/answer`,
        { token: issued.token, choice: "none" },
        token,
      );
      if (res.status === 201) answered++;
    }
    expect(answered).toBe(6);
    // One contributor's votes are not enough under the default rule (two agreeing contributors).
    expect((await batch("n=50&seed=9")).pairs.every((pair) => pair.negatives.length === 0)).toBe(true);
    const { pairs } = await batch("n=50&seed=9", { NEGATIVE_MIN_AGREEING: "1" });
    const withNegatives = pairs.filter((pair) => pair.negatives.length > 0);
    expect(withNegatives.length).toBeGreaterThan(0);
    for (const pair of withNegatives) {
      const { results } = await env.DB.prepare(
        "SELECT CAST(j.caption_id AS TEXT) AS id FROM judgments j JOIN images i ON i.id = j.image_id WHERE i.sha256 = ? AND j.verdict = 'negative'",
      )
        .bind(pair.image.sha256)
        .all<{ id: string }>();
      const judged = results.map((row) => row.id);
      for (const negative of pair.negatives) expect(judged).toContain(negative.caption_id);
    }
  });

  it("validates n and seed", async () => {
    await expectApiError(await get("/v1/batches/contrastive?n=0"), 400, "invalid_query");
    await expectApiError(await get("/v1/batches/contrastive?n=257"), 400, "invalid_query");
    await expectApiError(await get("/v1/batches/contrastive?seed=-1"), 400, "invalid_query");
    await expectApiError(await get("/v1/batches/contrastive?seed=1.5"), 400, "invalid_query");
  });
});
