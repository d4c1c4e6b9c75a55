import { toBase64 } from "@commonspace/manifest";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, call, expectApiError, postJson } from "./helpers/api";
import { pngBytes, pngClaiming } from "./helpers/image-bytes";
import { seedItems } from "./helpers/seed-dataset";
import { expectStoreUnchanged, snapshotStore } from "./helpers/store-snapshot";

describe("POST /v1/admin/import", () => {
  it("imports a batch as approved seed pairs and stores the bytes in R2 by SHA-256", async () => {
    const items = seedItems(0).slice(0, 6);
    const res = await postJson("/v1/admin/import", { items }, ADMIN_TOKEN);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      items: 6,
      metadata_stripped: 0,
      images: { inserted: 6, existing: 0 },
      captions: { inserted: 5 },
      pairs: { inserted: 16, existing: 0 },
    });
    const counts = await env.DB.prepare(
      `SELECT (SELECT count(*) FROM images WHERE status = 'approved') AS images,
              (SELECT count(*) FROM pairs WHERE origin = 'seed' AND status = 'approved') AS pairs`,
    ).first();
    expect(counts).toEqual({ images: 6, pairs: 16 });
    const listing = await env.BUCKET.list({ prefix: "images/" });
    expect(listing.objects.length).toBe(6);
  });

  it("is idempotent: the same batch again adds no row and no object", async () => {
    const items = seedItems(0).slice(0, 6);
    const res = await expectStoreUnchanged(() => postJson("/v1/admin/import", { items }, ADMIN_TOKEN));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ images: { inserted: 0, existing: 6 }, pairs: { inserted: 0 } });
  });

  it("merges captions of the same image sent twice in one batch", async () => {
    const image_base64 = toBase64(pngBytes(16, 16, 77));
    const base = {
      image_base64,
      source: "test",
      licence: "CC0-1.0",
      attribution: "",
      concept: null,
      category: null,
    };
    const res = await postJson(
      "/v1/admin/import",
      {
        items: [
          { ...base, captions: ["violet square"] },
          { ...base, captions: ["purple square", "violet square"] },
        ],
      },
      ADMIN_TOKEN,
    );
    expect(await res.json()).toMatchObject({ images: { inserted: 1 }, pairs: { inserted: 2, existing: 0 } });
  });

  it("refuses a request without the admin token and changes nothing", async () => {
    await expectStoreUnchanged(async () => {
      const res = await postJson("/v1/admin/import", { items: seedItems(50) });
      expect(res.headers.get("www-authenticate")).toContain("Bearer");
      await expectApiError(res, 401, "unauthorized");
    });
  });

  it("refuses the whole batch when one item is bad, naming it, and changes nothing", async () => {
    const items = seedItems(100).slice(0, 3);
    items[2] = { ...items[2]!, image_base64: toBase64(pngClaiming(50000, 50000)) };
    await expectStoreUnchanged(async () => {
      const message = await expectApiError(
        await postJson("/v1/admin/import", { items }, ADMIN_TOKEN),
        422,
        "image_dimensions",
      );
      expect(message).toMatch(/^items\[2\]/);
    });
  });

  it("refuses more than 100 items and malformed base64 with 422", async () => {
    const item = seedItems(200)[0]!;
    await expectStoreUnchanged(async () => {
      await expectApiError(
        await postJson("/v1/admin/import", { items: Array.from({ length: 101 }, () => item) }, ADMIN_TOKEN),
        422,
        "invalid_body",
      );
      await expectApiError(
        await postJson(
          "/v1/admin/import",
          { items: [{ ...item, image_base64: "not base64!" }] },
          ADMIN_TOKEN,
        ),
        422,
        "invalid_image",
      );
    });
  });

  it("refuses a body that is not JSON with 415, and broken JSON with 400", async () => {
    await expectStoreUnchanged(async () => {
      const headers = { Authorization: `Bearer ${ADMIN_TOKEN}` };
      await expectApiError(
        await call("/v1/admin/import", {
          method: "POST",
          headers: { ...headers, "Content-Type": "text/plain" },
          body: "{}",
        }),
        415,
        "unsupported_media_type",
      );
      await expectApiError(
        await call("/v1/admin/import", {
          method: "POST",
          headers: { ...headers, "Content-Type": "application/json" },
          body: '{"items": [',
        }),
        400,
        "invalid_json",
      );
    });
  });

  it("refuses a JSON body that is not valid UTF-8 with 400, changing nothing", async () => {
    const json = new TextEncoder().encode(
      JSON.stringify({ items: [{ ...seedItems(400)[0]!, captions: ["XX"] }] }),
    );
    const at = json.indexOf(0x58);
    json.set([0xc3, 0x28], at);
    await expectStoreUnchanged(async () => {
      const res = await call("/v1/admin/import", {
        method: "POST",
        headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, "Content-Type": "application/json" },
        body: json,
      });
      await expectApiError(res, 400, "invalid_utf8");
    });
  });

  it("stores SQL-looking captions as plain text", async () => {
    const item = {
      ...seedItems(300)[0]!,
      captions: ["'); DROP TABLE images; --", "Robert'); DELETE FROM pairs;"],
    };
    const before = await snapshotStore();
    const res = await postJson("/v1/admin/import", { items: [item] }, ADMIN_TOKEN);
    expect(res.status).toBe(200);
    const after = await snapshotStore();
    expect(after.tables.images).toBe((before.tables.images ?? 0) + 1);
    const texts = await env.DB.prepare(
      "SELECT text FROM captions WHERE text LIKE '%DROP%' OR text LIKE '%DELETE%'",
    ).all();
    expect(texts.results.map((row) => row.text).sort()).toEqual([
      "'); DROP TABLE images; --",
      "Robert'); DELETE FROM pairs;",
    ]);
  });
});
