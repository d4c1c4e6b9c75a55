import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, callWithEnv, expectApiError, get, newContributor, postJson } from "./helpers/api";
import { importSeedDataset, seedItems } from "./helpers/seed-dataset";

interface PairLine {
  type: "pair";
  pair_id: string;
  origin: string;
  image: Record<string, unknown> & { sha256: string; url: string };
  caption: { id: string; text: string };
  negatives: {
    caption_id: string;
    text: string;
    negative_votes: number;
    positive_votes: number;
    rule: string;
  }[];
  positive_votes: number;
  negative_votes: number;
  consent: { terms_version: string; consented_at: string } | null;
}
interface EndLine {
  type: "end";
  snapshot: string;
  next_cursor: string | null;
  removals_since: string;
  negative_rule: { min_agreeing_contributors: number; moderator: boolean };
}

async function page(
  query: string,
  vars: Record<string, string> = {},
): Promise<{ pairs: PairLine[]; end: EndLine; contentType: string | null }> {
  const res = await callWithEnv(new Request(`http://api.test/v1/export?${query}`), { ...env, ...vars });
  expect(res.status).toBe(200);
  const text = await res.text();
  expect(text.endsWith("\n")).toBe(true);
  const lines = text
    .trimEnd()
    .split("\n")
    .map((line) => JSON.parse(line) as PairLine | EndLine);
  const end = lines.pop() as EndLine;
  expect(end.type).toBe("end");
  expect(lines.every((line) => line.type === "pair")).toBe(true);
  return { pairs: lines as PairLine[], end, contentType: res.headers.get("content-type") };
}

beforeAll(async () => {
  await importSeedDataset();
});

describe("GET /v1/export", () => {
  it("streams NDJSON pair rows in the trainer's format, ending with an end row", async () => {
    const { pairs, end, contentType } = await page("limit=3");
    expect(contentType).toBe("application/x-ndjson; charset=utf-8");
    expect(pairs.length).toBe(3);
    expect(Object.keys(pairs[0]!).sort()).toEqual(
      [
        "caption",
        "consent",
        "image",
        "negative_votes",
        "negatives",
        "origin",
        "pair_id",
        "positive_votes",
        "type",
      ].sort(),
    );
    expect(Object.keys(pairs[0]!.image).sort()).toEqual(
      [
        "attribution",
        "category",
        "concept",
        "consent",
        "height",
        "licence",
        "sha256",
        "source",
        "type",
        "url",
        "width",
      ].sort(),
    );
    expect(pairs[0]).toMatchObject({
      type: "pair",
      origin: "seed",
      image: { url: `/v1/images/${pairs[0]!.image.sha256}`, width: 16, height: 16, type: "image/png" },
      negatives: [],
      positive_votes: 0,
      negative_votes: 0,
      consent: null,
    });
    expect(pairs[0]!.image.consent).toBeNull();
    expect(typeof end.snapshot).toBe("string");
    expect(typeof end.removals_since).toBe("string");
    expect(end.negative_rule).toEqual({ min_agreeing_contributors: 2, moderator: true });
    expect(typeof end.next_cursor).toBe("string");
  });

  it("resumes with the cursor and covers every approved pair exactly once, in order", async () => {
    const total = (await env.DB.prepare(
      "SELECT count(*) AS n FROM pairs p JOIN images i ON i.id = p.image_id WHERE p.status = 'approved' AND i.status = 'approved'",
    ).first<{ n: number }>())!.n;
    const ids: number[] = [];
    let query = "limit=7";
    for (let i = 0; i < 50; i++) {
      const { pairs, end } = await page(query);
      ids.push(...pairs.map((pair) => Number(pair.pair_id)));
      if (!end.next_cursor) break;
      query = `limit=7&cursor=${end.next_cursor}`;
    }
    expect(ids.length).toBe(total);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    expect(new Set(ids).size).toBe(total);
  });

  it("says next_cursor null on the last page, even when it is exactly full", async () => {
    const total = (await env.DB.prepare("SELECT count(*) AS n FROM pairs").first<{ n: number }>())!.n;
    const { pairs, end } = await page(`limit=${total}`);
    expect(pairs.length).toBe(total);
    expect(end.next_cursor).toBeNull();
  });

  it("pins a snapshot: rows created after the first page are excluded from later pages", async () => {
    const pinned = (await env.DB.prepare("SELECT max(id) AS id FROM pairs").first<{ id: number }>())!.id;
    const first = await page("limit=5");
    const imported = await postJson("/v1/admin/import", { items: seedItems(5000).slice(0, 4) }, ADMIN_TOKEN);
    expect(((await imported.json()) as { pairs: { inserted: number } }).pairs.inserted).toBe(12);
    const seen = [...first.pairs];
    let cursor = first.end.next_cursor;
    for (let i = 0; i < 50 && cursor; i++) {
      const next = await page(`limit=50&cursor=${cursor}`);
      expect(next.end.snapshot).toBe(first.end.snapshot);
      seen.push(...next.pairs);
      cursor = next.end.next_cursor;
    }
    expect(seen.length).toBeGreaterThan(5);
    expect(seen.every((pair) => Number(pair.pair_id) <= pinned)).toBe(true);
    const fresh = await page("limit=5000");
    expect(fresh.pairs.length).toBe(seen.length + 12);
    expect(fresh.end.snapshot).not.toBe(first.end.snapshot);
  });

  it("includes positive votes, and negatives only under the agreement rule", async () => {
    const { token } = await newContributor();
    for (let i = 0; i < 8; i++) {
      const issued = (await (await get("/v1/tasks/next?k=3", token)).json()) as {
        task: { id: string; prompt: { image: { sha256: string } }; candidates: { id: string }[] };
        token: string;
      };
      const own = await env.DB.prepare(
        "SELECT CAST(p.caption_id AS TEXT) AS id FROM pairs p JOIN images i ON i.id = p.image_id WHERE i.sha256 = ?",
      )
        .bind(issued.task.prompt.image.sha256)
        .all<{ id: string }>();
      const truth = issued.task.candidates.find((c) => own.results.some((row) => row.id === c.id))!;
      await postJson(`/v1/tasks/${issued.task.id}/answer`, { token: issued.token, choice: truth.id }, token);
    }
    const { pairs } = await page("limit=5000");
    expect(pairs.some((pair) => pair.positive_votes > 0)).toBe(true);
    // One contributor's "doesn't fit" is not a training negative under the default rule.
    expect(pairs.every((pair) => pair.negatives.length === 0)).toBe(true);
    const lenient = await page("limit=5000", { NEGATIVE_MIN_AGREEING: "1" });
    const negatives = lenient.pairs.flatMap((pair) => pair.negatives);
    expect(negatives.length).toBeGreaterThan(0);
    expect(
      negatives.every((n) => n.negative_votes === 1 && n.positive_votes === 0 && n.rule === "agreement"),
    ).toBe(true);
    expect(lenient.end.negative_rule).toEqual({ min_agreeing_contributors: 1, moderator: true });
  });

  it("leaves out pending and rejected rows", async () => {
    const before = await page("limit=5000");
    const victim = before.pairs[0]!;
    await env.DB.prepare("UPDATE images SET status = 'rejected' WHERE sha256 = ?")
      .bind(victim.image.sha256)
      .run();
    const after = await page("limit=5000");
    expect(after.pairs.some((pair) => pair.image.sha256 === victim.image.sha256)).toBe(false);
  });

  it("rejects a tampered cursor and a limit above 5000 with 400", async () => {
    await expectApiError(await get("/v1/export?cursor=abc"), 400, "invalid_cursor");
    await expectApiError(await get("/v1/export?limit=5001"), 400, "invalid_query");
  });
});
