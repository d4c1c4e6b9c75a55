// Withdrawal by the contributor and rejection by a moderator: the R2 bytes go when no other row holds the
// image, the pairs leave the export, and GET /v1/export/removals tells a trainer which pairs to drop.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, call, contribute, expectApiError, get, newContributor, postJson } from "./helpers/api";
import { pngBytes } from "./helpers/image-bytes";
import { importSeedDataset } from "./helpers/seed-dataset";
import { expectStoreUnchanged } from "./helpers/store-snapshot";

interface Contributed {
  image: { sha256: string };
  pair: { id: string; status: string };
}
interface Own {
  items: { pair_id: string; status: string; image: { sha256: string; status: string }; consent: unknown }[];
  next_cursor: string | null;
}
interface Line {
  type: string;
  pair_id?: string;
  reason?: string;
  image_sha256?: string;
  since?: string;
  more?: boolean;
  next_cursor?: string | null;
  removals_since?: string;
}

async function give(token: string, seed: number, caption: string): Promise<Contributed> {
  const res = await contribute(token, { image: pngBytes(16, 16, seed), caption });
  expect(res.status).toBe(201);
  return (await res.json()) as Contributed;
}

const withdraw = (token: string, pairId: string) =>
  call(`/v1/contributions/${pairId}`, { method: "DELETE", headers: { Authorization: `Bearer ${token}` } });

const approve = (sha256: string) =>
  postJson(`/v1/admin/images/${sha256}/moderation`, { status: "approved" }, ADMIN_TOKEN);

async function ndjson(path: string): Promise<Line[]> {
  const res = await get(path);
  expect(res.status).toBe(200);
  return (await res.text())
    .trimEnd()
    .split("\n")
    .map((line) => JSON.parse(line) as Line);
}

async function exportedPairIds(): Promise<string[]> {
  return (await ndjson("/v1/export?limit=5000")).flatMap((l) => (l.type === "pair" ? [l.pair_id!] : []));
}

const stored = async (sha256: string) => (await env.BUCKET.head(`images/${sha256}`)) !== null;

let alice = { id: "", token: "" };
let bob = { id: "", token: "" };

beforeAll(async () => {
  await importSeedDataset();
  alice = await newContributor();
  bob = await newContributor();
});

describe("DELETE /v1/contributions/:id (withdraw)", () => {
  it("withdraws an approved contribution: bytes deleted, out of the export, listed as a removal", async () => {
    const given = await give(alice.token, 8100, "a kite on a beach");
    expect((await approve(given.image.sha256)).status).toBe(200);
    expect(await exportedPairIds()).toContain(given.pair.id);
    const since = (await ndjson("/v1/export/removals")).at(-1)!.since!;

    const res = await withdraw(alice.token, given.pair.id);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      pair_id: given.pair.id,
      status: "withdrawn",
      image: { sha256: given.image.sha256, status: "withdrawn" },
    });
    expect(await stored(given.image.sha256)).toBe(false);
    expect(await exportedPairIds()).not.toContain(given.pair.id);
    await expectApiError(await get(`/v1/images/${given.image.sha256}`), 404, "image_not_found");
    const removals = await ndjson(`/v1/export/removals?since=${since}`);
    expect(removals.filter((l) => l.type === "removal")).toMatchObject([
      { pair_id: given.pair.id, reason: "withdrawn", image_sha256: given.image.sha256 },
    ]);
    expect(removals.at(-1)).toMatchObject({ type: "end", more: false });
    // Asking again from the new token lists nothing new.
    const after = await ndjson(`/v1/export/removals?since=${removals.at(-1)!.since}`);
    expect(after).toEqual([{ type: "end", since: removals.at(-1)!.since, more: false }]);
  });

  it("is idempotent: withdrawing again answers the same and changes nothing", async () => {
    const given = await give(alice.token, 8101, "a second kite");
    expect((await withdraw(alice.token, given.pair.id)).status).toBe(200);
    const again = await expectStoreUnchanged(async () => withdraw(alice.token, given.pair.id));
    expect(again.status).toBe(200);
    expect(((await again.json()) as { status: string }).status).toBe("withdrawn");
  });

  it("keeps an image another contribution still holds, which then carries that contributor's licence", async () => {
    const image = pngBytes(16, 16, 8102);
    const first = (await (
      await contribute(alice.token, { image, caption: "shared picture", licence: "CC0-1.0" })
    ).json()) as Contributed;
    const second = (await (
      await contribute(bob.token, { image, caption: "the same picture", licence: "CC-BY-4.0" })
    ).json()) as Contributed;
    expect(second.image.sha256).toBe(first.image.sha256);
    const res = await withdraw(alice.token, first.pair.id);
    expect(((await res.json()) as { image: { status: string } }).image.status).toBe("pending");
    expect(await stored(first.image.sha256)).toBe(true);
    const row = await env.DB.prepare("SELECT contributor_id, licence FROM images WHERE sha256 = ?")
      .bind(first.image.sha256)
      .first();
    expect(row).toEqual({ contributor_id: bob.id, licence: "CC-BY-4.0" });
    await withdraw(bob.token, second.pair.id);
    expect(await stored(first.image.sha256)).toBe(false);
  });

  it("takes the labelling pairs made of a withdrawn image out of the export too", async () => {
    const given = await give(alice.token, 8103, "a lighthouse");
    await approve(given.image.sha256);
    await env.DB.prepare(
      `INSERT INTO pairs (image_id, caption_id, origin, status, contributor_id, created_at)
       SELECT i.id, c.id, 'task', 'approved', ?, 0 FROM images i, captions c WHERE i.sha256 = ? AND c.text = 'pear'`,
    )
      .bind(bob.id, given.image.sha256)
      .run();
    const taskPair = (await env.DB.prepare(
      "SELECT CAST(max(id) AS TEXT) AS id FROM pairs WHERE origin = 'task'",
    ).first<{ id: string }>())!.id;
    expect(await exportedPairIds()).toContain(taskPair);
    await withdraw(alice.token, given.pair.id);
    expect(await exportedPairIds()).not.toContain(taskPair);
    const reasons = (await ndjson("/v1/export/removals?limit=5000")).filter(
      (l) => l.image_sha256 === given.image.sha256,
    );
    expect(reasons.map((l) => l.pair_id).sort()).toEqual([given.pair.id, taskPair].sort());
  });

  it("lets the same image be contributed again after a withdrawal, as a new pending contribution", async () => {
    const given = await give(alice.token, 8104, "a returning picture");
    await withdraw(alice.token, given.pair.id);
    const again = await contribute(bob.token, {
      image: pngBytes(16, 16, 8104),
      caption: "a returning picture",
    });
    expect(again.status).toBe(201);
    const body = (await again.json()) as Contributed;
    expect(body.pair).toMatchObject({ id: given.pair.id, status: "pending" });
    expect(await stored(given.image.sha256)).toBe(true);
    const row = await env.DB.prepare("SELECT status, contributor_id FROM images WHERE sha256 = ?")
      .bind(given.image.sha256)
      .first();
    expect(row).toEqual({ status: "pending", contributor_id: bob.id });
  });

  it("refuses another contributor's pair, a seed pair, bad ids and missing tokens, changing nothing", async () => {
    const given = await give(alice.token, 8105, "not yours");
    const seedPair = (await env.DB.prepare(
      "SELECT CAST(min(id) AS TEXT) AS id FROM pairs WHERE origin = 'seed'",
    ).first<{ id: string }>())!.id;
    await expectStoreUnchanged(async () => {
      await expectApiError(await withdraw(bob.token, given.pair.id), 404, "contribution_not_found");
      await expectApiError(await withdraw(alice.token, seedPair), 404, "contribution_not_found");
      await expectApiError(await withdraw(alice.token, "999999"), 404, "contribution_not_found");
      await expectApiError(await withdraw(alice.token, "abc"), 400, "invalid_param");
      await expectApiError(await withdraw(alice.token, "1%20OR%201=1"), 400, "invalid_param");
      await expectApiError(await withdraw(alice.token, "0"), 400, "invalid_param");
      await expectApiError(
        await call(`/v1/contributions/${given.pair.id}`, { method: "DELETE" }),
        401,
        "unauthorized",
      );
      await expectApiError(
        await withdraw("cst_AAAAAAAAAAAAAAAAAAAAAAAA", given.pair.id),
        401,
        "unauthorized",
      );
    });
  });

  it("answers a CORS preflight for DELETE from any origin", async () => {
    const res = await call("/v1/contributions/1", {
      method: "OPTIONS",
      headers: { Origin: "https://elsewhere.example", "Access-Control-Request-Method": "DELETE" },
    });
    expect(res.headers.get("access-control-allow-methods")).toContain("DELETE");
  });
});

describe("rejection by a moderator", () => {
  it("deletes the bytes, lists the served pairs as removals, and is final", async () => {
    const given = await give(alice.token, 8200, "a rejected picture");
    await approve(given.image.sha256);
    const since = (await ndjson("/v1/export/removals?limit=5000")).at(-1)!.since!;
    const res = await postJson(
      `/v1/admin/images/${given.image.sha256}/moderation`,
      { status: "rejected", reason: "not ours to share" },
      ADMIN_TOKEN,
    );
    expect(await res.json()).toEqual({ sha256: given.image.sha256, status: "rejected", pairs_settled: 1 });
    expect(await stored(given.image.sha256)).toBe(false);
    expect(await exportedPairIds()).not.toContain(given.pair.id);
    const removals = (await ndjson(`/v1/export/removals?since=${since}`)).filter((l) => l.type === "removal");
    expect(removals).toMatchObject([{ pair_id: given.pair.id, reason: "rejected" }]);
    // Even the admin gets a 404 for the bytes (they are gone), and still sees the row's metadata.
    await expectApiError(await get(`/v1/images/${given.image.sha256}`, ADMIN_TOKEN), 404, "image_not_found");
    expect((await get(`/v1/images/${given.image.sha256}/meta`, ADMIN_TOKEN)).status).toBe(200);
    await expectStoreUnchanged(async () => {
      await expectApiError(await approve(given.image.sha256), 409, "image_removed");
      await expectApiError(
        await postJson(`/v1/admin/pairs/${given.pair.id}/moderation`, { status: "approved" }, ADMIN_TOKEN),
        409,
        "image_removed",
      );
    });
    // Its contributor sees it as rejected, and cannot contribute the same bytes again.
    const own = (await (
      await get("/v1/contributors/me/contributions?status=rejected", alice.token)
    ).json()) as Own;
    expect(own.items.map((item) => item.pair_id)).toContain(given.pair.id);
    await expectApiError(
      await contribute(alice.token, { image: pngBytes(16, 16, 8200), caption: "again" }),
      422,
      "image_rejected",
    );
  });

  it("rejecting one served caption lists just that pair; a withdrawn pair cannot be moderated", async () => {
    const given = await give(alice.token, 8201, "an approved caption");
    await approve(given.image.sha256);
    const since = (await ndjson("/v1/export/removals?limit=5000")).at(-1)!.since!;
    await postJson(`/v1/admin/pairs/${given.pair.id}/moderation`, { status: "rejected" }, ADMIN_TOKEN);
    expect(await stored(given.image.sha256)).toBe(true);
    const removals = (await ndjson(`/v1/export/removals?since=${since}`)).filter((l) => l.type === "removal");
    expect(removals).toMatchObject([{ pair_id: given.pair.id, reason: "rejected" }]);
    const other = await give(alice.token, 8202, "to be withdrawn");
    await withdraw(alice.token, other.pair.id);
    await expectStoreUnchanged(async () =>
      expectApiError(
        await postJson(`/v1/admin/pairs/${other.pair.id}/moderation`, { status: "approved" }, ADMIN_TOKEN),
        409,
        "pair_withdrawn",
      ),
    );
  });
});

describe("GET /v1/contributors/me/contributions", () => {
  it("lists the caller's contributions newest first with status and consent, paged, filterable", async () => {
    const carol = await newContributor();
    const a = await give(carol.token, 8300, "carol one");
    const b = await give(carol.token, 8301, "carol two");
    await withdraw(carol.token, a.pair.id);
    const all = (await (await get("/v1/contributors/me/contributions", carol.token)).json()) as Own;
    expect(all.items.map((item) => [item.pair_id, item.status])).toEqual([
      [b.pair.id, "pending"],
      [a.pair.id, "withdrawn"],
    ]);
    expect(all.items[0]!.consent).toMatchObject({ terms_version: expect.any(String) });
    const first = (await (await get("/v1/contributors/me/contributions?limit=1", carol.token)).json()) as Own;
    expect(first.items.map((item) => item.pair_id)).toEqual([b.pair.id]);
    const second = (await (
      await get(`/v1/contributors/me/contributions?limit=1&cursor=${first.next_cursor}`, carol.token)
    ).json()) as Own;
    expect(second.items.map((item) => item.pair_id)).toEqual([a.pair.id]);
    expect(second.next_cursor).toBeNull();
    const withdrawn = (await (
      await get("/v1/contributors/me/contributions?status=withdrawn", carol.token)
    ).json()) as Own;
    expect(withdrawn.items.map((item) => item.pair_id)).toEqual([a.pair.id]);
    const strangers = (await (await get("/v1/contributors/me/contributions", bob.token)).json()) as Own;
    expect(strangers.items.some((item) => item.pair_id === a.pair.id)).toBe(false);
  });

  it("refuses bad queries and missing tokens with 4xx, changing nothing", async () => {
    await expectStoreUnchanged(async () => {
      await expectApiError(await get("/v1/contributors/me/contributions"), 401, "unauthorized");
      await expectApiError(
        await get("/v1/contributors/me/contributions?status=all", alice.token),
        400,
        "invalid_query",
      );
      await expectApiError(
        await get("/v1/contributors/me/contributions?limit=0", alice.token),
        400,
        "invalid_query",
      );
      await expectApiError(
        await get("/v1/contributors/me/contributions?cursor=abc", alice.token),
        400,
        "invalid_cursor",
      );
    });
  });
});

describe("GET /v1/export/removals", () => {
  it("pages with since and more, and starts where an export's snapshot says", async () => {
    const exportEnd = (await ndjson("/v1/export?limit=5000")).at(-1)!;
    const given = await give(alice.token, 8400, "after the snapshot");
    await approve(given.image.sha256);
    await withdraw(alice.token, given.pair.id);
    const news = await ndjson(`/v1/export/removals?since=${exportEnd.removals_since}`);
    expect(news.filter((l) => l.type === "removal").map((l) => l.pair_id)).toEqual([given.pair.id]);
    const all = (await ndjson("/v1/export/removals?limit=5000")).filter((l) => l.type === "removal");
    const paged: string[] = [];
    let since = "";
    for (let i = 0; i < 50; i++) {
      const lines = await ndjson(`/v1/export/removals?limit=2${since ? `&since=${since}` : ""}`);
      paged.push(...lines.flatMap((l) => (l.type === "removal" ? [l.pair_id!] : [])));
      const end = lines.at(-1)!;
      since = end.since!;
      if (!end.more) break;
    }
    expect(paged).toEqual(all.map((l) => l.pair_id));
  });

  it("refuses a since token it did not issue and a bad limit", async () => {
    await expectApiError(await get("/v1/export/removals?since=abc"), 400, "invalid_cursor");
    await expectApiError(await get("/v1/export/removals?limit=5001"), 400, "invalid_query");
  });
});
