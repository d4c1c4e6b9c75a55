import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, call, contribute, expectApiError, get, newContributor, postJson } from "./helpers/api";
import { pngBytes } from "./helpers/image-bytes";
import { importSeedDataset } from "./helpers/seed-dataset";
import { expectStoreUnchanged } from "./helpers/store-snapshot";

interface Queue {
  items: {
    image: { sha256: string; status: string };
    pending_captions: { pair_id: string; caption: { text: string } }[];
  }[];
  next_cursor: string | null;
}

let token = "";
const shas: string[] = [];

beforeAll(async () => {
  await importSeedDataset();
  token = (await newContributor()).token;
  for (let i = 0; i < 3; i++) {
    const res = await contribute(token, { image: pngBytes(16, 16, 7000 + i), caption: `queued square ${i}` });
    shas.push(((await res.json()) as { image: { sha256: string } }).image.sha256);
  }
});

describe("moderation", () => {
  it("lists pending images oldest first with their pending captions, paginated", async () => {
    const first = (await (await get("/v1/admin/moderation/queue?limit=2", ADMIN_TOKEN)).json()) as Queue;
    expect(first.items.map((item) => item.image.sha256)).toEqual(shas.slice(0, 2));
    expect(first.items[0]!.pending_captions.map((pair) => pair.caption.text)).toEqual(["queued square 0"]);
    const second = (await (
      await get(`/v1/admin/moderation/queue?limit=2&cursor=${first.next_cursor}`, ADMIN_TOKEN)
    ).json()) as Queue;
    expect(second.items.map((item) => item.image.sha256)).toEqual(shas.slice(2));
    expect(second.next_cursor).toBeNull();
  });

  it("approves an image and its pending pairs, which then appear in public reads", async () => {
    const res = await postJson(`/v1/admin/images/${shas[0]}/moderation`, { status: "approved" }, ADMIN_TOKEN);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ sha256: shas[0], status: "approved", pairs_settled: 1 });
    expect((await get(`/v1/images/${shas[0]}`)).status).toBe(200);
    const captions = (await (await get("/v1/captions?q=queued")).json()) as { items: { text: string }[] };
    expect(captions.items.map((item) => item.text)).toEqual(["queued square 0"]);
  });

  it("rejects an image with a reason; it stays hidden and leaves the queue", async () => {
    const res = await postJson(
      `/v1/admin/images/${shas[1]}/moderation`,
      { status: "rejected", reason: "not an image of a thing" },
      ADMIN_TOKEN,
    );
    expect(res.status).toBe(200);
    const row = await env.DB.prepare("SELECT status, moderation_reason FROM images WHERE sha256 = ?")
      .bind(shas[1])
      .first();
    expect(row).toEqual({ status: "rejected", moderation_reason: "not an image of a thing" });
    await expectApiError(await get(`/v1/images/${shas[1]}`), 404, "image_not_found");
    const queue = (await (await get("/v1/admin/moderation/queue", ADMIN_TOKEN)).json()) as Queue;
    expect(queue.items.map((item) => item.image.sha256)).toEqual([shas[2]]);
  });

  it("queues a new caption on an approved image, and moderates that pair on its own", async () => {
    const res = await contribute(token, {
      image: pngBytes(16, 16, 7000),
      caption: "second caption for an approved image",
    });
    const pairId = ((await res.json()) as { pair: { id: string } }).pair.id;
    const queue = (await (await get("/v1/admin/moderation/queue", ADMIN_TOKEN)).json()) as Queue;
    const entry = queue.items.find((item) => item.image.sha256 === shas[0])!;
    expect(entry.image.status).toBe("approved");
    expect(entry.pending_captions.map((pair) => pair.pair_id)).toEqual([pairId]);
    const decided = await postJson(
      `/v1/admin/pairs/${pairId}/moderation`,
      { status: "rejected" },
      ADMIN_TOKEN,
    );
    expect(await decided.json()).toEqual({ pair_id: pairId, status: "rejected" });
    const meta = (await (await get(`/v1/images/${shas[0]}/meta`)).json()) as { captions: { text: string }[] };
    expect(meta.captions.map((caption) => caption.text)).toEqual(["queued square 0"]);
  });

  it("refuses requests without the admin token and changes nothing", async () => {
    await expectStoreUnchanged(async () => {
      await expectApiError(
        await postJson(`/v1/admin/images/${shas[2]}/moderation`, { status: "approved" }),
        401,
        "unauthorized",
      );
      await expectApiError(
        await postJson(`/v1/admin/images/${shas[2]}/moderation`, { status: "approved" }, token),
        401,
        "unauthorized",
      );
      await expectApiError(
        await postJson("/v1/admin/pairs/1/moderation", { status: "approved" }, "wrong"),
        401,
        "unauthorized",
      );
      await expectApiError(await get("/v1/admin/moderation/queue"), 401, "unauthorized");
    });
  });

  it("refuses bad decisions, bad ids and unknown images with 4xx, changing nothing", async () => {
    await expectStoreUnchanged(async () => {
      await expectApiError(
        await postJson(`/v1/admin/images/${shas[2]}/moderation`, { status: "pending" }, ADMIN_TOKEN),
        422,
        "invalid_body",
      );
      await expectApiError(
        await postJson(`/v1/admin/images/..%2F${shas[2]}/moderation`, { status: "approved" }, ADMIN_TOKEN),
        400,
        "invalid_param",
      );
      await expectApiError(
        await postJson(`/v1/admin/images/${"f".repeat(64)}/moderation`, { status: "approved" }, ADMIN_TOKEN),
        404,
        "image_not_found",
      );
      await expectApiError(
        await postJson("/v1/admin/pairs/1%20OR%201=1/moderation", { status: "approved" }, ADMIN_TOKEN),
        400,
        "invalid_param",
      );
      await expectApiError(
        await postJson("/v1/admin/pairs/999999/moderation", { status: "approved" }, ADMIN_TOKEN),
        404,
        "pair_not_found",
      );
      await expectApiError(
        await get("/v1/admin/moderation/queue?cursor=abc", ADMIN_TOKEN),
        400,
        "invalid_cursor",
      );
      await expectApiError(
        await get("/v1/admin/moderation/queue?limit=101", ADMIN_TOKEN),
        400,
        "invalid_query",
      );
    });
  });
});

interface RichQueue {
  items: {
    image: {
      sha256: string;
      licence: string;
      contributor_id: string | null;
      consent: { terms_version: string } | null;
    };
    pending_captions: {
      pair_id: string;
      licence: string | null;
      attribution: string | null;
      consent: { terms_version: string } | null;
      contributor_id: string | null;
    }[];
    approved_captions: { pair_id: string }[];
    contributors: Record<string, { pending: number; approved: number; rejected: number; withdrawn: number }>;
  }[];
}

describe("moderation queue and bulk decisions", () => {
  it("gives each item its licence, consent, captions and the contributor's history", async () => {
    const dana = await newContributor();
    const given = await contribute(dana.token, {
      image: pngBytes(16, 16, 7100),
      caption: "dana's picture",
      licence: "CC-BY-4.0",
      extra: [{ name: "attribution", value: "Dana" }],
    });
    const sha = ((await given.json()) as { image: { sha256: string } }).image.sha256;
    await contribute(dana.token, {
      image: pngBytes(16, 16, 7000),
      caption: "dana's caption for an approved image",
    });
    const queue = (await (
      await get("/v1/admin/moderation/queue?limit=100", ADMIN_TOKEN)
    ).json()) as RichQueue;
    const item = queue.items.find((entry) => entry.image.sha256 === sha)!;
    expect(item.image).toMatchObject({
      licence: "CC-BY-4.0",
      contributor_id: dana.id,
      consent: { terms_version: expect.any(String) },
    });
    expect(item.pending_captions).toMatchObject([
      {
        licence: "CC-BY-4.0",
        attribution: "Dana",
        contributor_id: dana.id,
        consent: { terms_version: expect.any(String) },
      },
    ]);
    expect(item.contributors[dana.id]).toEqual({ pending: 2, approved: 0, rejected: 0, withdrawn: 0 });
    // An approved image with a new caption shows the captions it already has beside the pending one.
    const approved = queue.items.find((entry) => entry.image.sha256 === shas[0])!;
    expect(approved.approved_captions.length).toBe(1);
    expect(approved.pending_captions.map((c) => c.contributor_id)).toEqual([dana.id]);
    expect(Object.keys(approved.contributors).sort()).toEqual(
      [dana.id, approved.image.contributor_id].sort(),
    );
  });

  it("applies many decisions at once: images and pairs, and deletes the bytes of rejected images", async () => {
    const erin = await newContributor();
    const made: { image: { sha256: string }; pair: { id: string } }[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await contribute(erin.token, { image: pngBytes(16, 16, 7200 + i), caption: `bulk ${i}` });
      made.push((await res.json()) as { image: { sha256: string }; pair: { id: string } });
    }
    const res = await postJson(
      "/v1/admin/moderation/decisions",
      {
        decisions: [
          { image: made[0]!.image.sha256, status: "approved" },
          { image: made[1]!.image.sha256, status: "rejected", reason: "blurry" },
          { pair_id: made[2]!.pair.id, status: "rejected" },
        ],
      },
      ADMIN_TOKEN,
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      results: [
        { sha256: made[0]!.image.sha256, status: "approved", pairs_settled: 1 },
        { sha256: made[1]!.image.sha256, status: "rejected", pairs_settled: 1 },
        { pair_id: made[2]!.pair.id, status: "rejected" },
      ],
    });
    expect(await env.BUCKET.head(`images/${made[0]!.image.sha256}`)).not.toBeNull();
    expect(await env.BUCKET.head(`images/${made[1]!.image.sha256}`)).toBeNull();
    const history = (await (
      await get("/v1/admin/moderation/queue?limit=100", ADMIN_TOKEN)
    ).json()) as RichQueue;
    const left = history.items.find((entry) => entry.image.sha256 === made[2]!.image.sha256)!;
    expect(left.contributors[erin.id]).toEqual({ pending: 0, approved: 1, rejected: 2, withdrawn: 0 });
  });

  it("refuses a bulk request as a whole, changing nothing, when any decision is bad", async () => {
    const res = await contribute(token, { image: pngBytes(16, 16, 7300), caption: "waits" });
    const waiting = ((await res.json()) as { image: { sha256: string } }).image.sha256;
    const good = { image: waiting, status: "approved" };
    const send = (body: unknown, auth = ADMIN_TOKEN) =>
      postJson("/v1/admin/moderation/decisions", body, auth);
    await expectStoreUnchanged(async () => {
      const missing = await expectApiError(
        await send({ decisions: [good, { image: "e".repeat(64), status: "approved" }] }),
        404,
        "image_not_found",
      );
      expect(missing).toMatch(/^decisions\[1\]:/);
      await expectApiError(
        await send({ decisions: [good, { pair_id: "999999", status: "rejected" }] }),
        404,
        "pair_not_found",
      );
      await expectApiError(
        await send({ decisions: [good, { image: shas[1], status: "approved" }] }),
        409,
        "image_removed",
      );
      await expectApiError(await send({ decisions: [good, good] }), 422, "invalid_body");
      await expectApiError(await send({ decisions: [] }), 422, "invalid_body");
      await expectApiError(
        await send({ decisions: Array.from({ length: 101 }, () => good) }),
        422,
        "invalid_body",
      );
      await expectApiError(await send({ decisions: [{ ...good, pair_id: "1" }] }), 422, "invalid_body");
      await expectApiError(
        await send({ decisions: [{ image: "../etc", status: "approved" }] }),
        422,
        "invalid_body",
      );
      await expectApiError(
        await send({ decisions: [{ ...good, status: "withdrawn" }] }),
        422,
        "invalid_body",
      );
      await expectApiError(await send({ decisions: [good] }, token), 401, "unauthorized");
      await expectApiError(await send({ decisions: [good] }, "nope"), 401, "unauthorized");
      await expectApiError(
        await call("/v1/admin/moderation/decisions", {
          method: "POST",
          headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, "Content-Type": "application/json" },
          body: "{not json",
        }),
        400,
        "invalid_json",
      );
      await expectApiError(
        await call("/v1/admin/moderation/decisions", {
          method: "POST",
          headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, "Content-Type": "text/plain" },
          body: "{}",
        }),
        415,
        "unsupported_media_type",
      );
    });
  });
});
