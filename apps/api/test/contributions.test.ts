import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, contribute, expectApiError, newContributor } from "./helpers/api";
import { jpegBytes, pngBytes, webpBytes } from "./helpers/image-bytes";
import { expectStoreUnchanged } from "./helpers/store-snapshot";

interface Contribution {
  image: { sha256: string; status: string; width: number; height: number; type: string; url: string };
  caption: { id: string; text: string };
  pair: { id: string; origin: string; status: string };
}

describe("POST /v1/contributions", () => {
  it("stores a PNG in R2 and a pending image, caption and pair in D1", async () => {
    const { token, id } = await newContributor();
    const res = await contribute(token, {
      image: pngBytes(24, 20, 1),
      caption: "  A  tiny\tgradient  square ",
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as Contribution;
    expect(body.image).toMatchObject({ status: "pending", width: 24, height: 20, type: "image/png" });
    expect(body.caption.text).toBe("A tiny gradient square");
    expect(body.pair).toMatchObject({ origin: "contribution", status: "pending" });
    expect(res.headers.get("location")).toBe(`/v1/images/${body.image.sha256}/meta`);
    const row = await env.DB.prepare("SELECT contributor_id, licence, source FROM images WHERE sha256 = ?")
      .bind(body.image.sha256)
      .first();
    expect(row).toEqual({ contributor_id: id, licence: "CC0-1.0", source: "contribution" });
    const object = await env.BUCKET.get(`images/${body.image.sha256}`);
    expect(new Uint8Array(await object!.arrayBuffer())).toEqual(pngBytes(24, 20, 1));
  });

  it("accepts JPEG and WebP whose declared type matches their bytes", async () => {
    const { token } = await newContributor();
    const jpeg = await contribute(token, { image: jpegBytes(32, 48, 2), imageType: "image/jpeg" });
    expect(jpeg.status).toBe(201);
    expect(((await jpeg.json()) as Contribution).image).toMatchObject({
      width: 32,
      height: 48,
      type: "image/jpeg",
    });
    const webp = await contribute(token, { image: webpBytes(40, 20, 3), imageType: "image/webp" });
    expect(webp.status).toBe(201);
    expect(((await webp.json()) as Contribution).image).toMatchObject({
      width: 40,
      height: 20,
      type: "image/webp",
    });
  });

  it("dedupes by SHA-256: the same image with a new caption reuses the image row and adds a pair", async () => {
    const { token } = await newContributor();
    const image = pngBytes(16, 16, 4);
    const first = (await (await contribute(token, { image, caption: "blue square" })).json()) as Contribution;
    const second = await contribute(token, { image, caption: "square in blue" });
    expect(second.status).toBe(201);
    const body = (await second.json()) as Contribution;
    expect(body.image.sha256).toBe(first.image.sha256);
    expect(body.pair.id).not.toBe(first.pair.id);
    const counts = await env.DB.prepare(
      "SELECT (SELECT count(*) FROM images WHERE sha256 = ?1) AS images, (SELECT count(*) FROM pairs p JOIN images i ON i.id = p.image_id WHERE i.sha256 = ?1) AS pairs",
    )
      .bind(first.image.sha256)
      .first();
    expect(counts).toEqual({ images: 1, pairs: 2 });
  });

  it("answers 200 without a new row when the same image and caption come with a new key", async () => {
    const { token } = await newContributor();
    const image = pngBytes(16, 16, 5);
    await contribute(token, { image, caption: "teal square" });
    const again = await expectStoreUnchanged(async () => {
      // Only the new idempotency key is written; compare everything else.
      const res = await contribute(token, { image, caption: "teal square", key: "fixed-key-5" });
      await env.DB.prepare("DELETE FROM idempotency_keys WHERE key = 'fixed-key-5'").run();
      return res;
    });
    expect(again.status).toBe(200);
  });

  it("replays the stored response for the same key and body, marked Idempotent-Replayed", async () => {
    const { token } = await newContributor();
    const image = pngBytes(16, 16, 6);
    const first = await contribute(token, { image, caption: "olive square", key: "retry-6" });
    const firstBody = await first.text();
    const replay = await expectStoreUnchanged(() =>
      contribute(token, { image, caption: "olive square", key: "retry-6" }),
    );
    expect(replay.status).toBe(201);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(JSON.parse(await replay.text())).toEqual(JSON.parse(firstBody));
  });

  it("refuses a replayed idempotency key with a different body (422) and changes nothing", async () => {
    const { token } = await newContributor();
    await contribute(token, { image: pngBytes(16, 16, 7), caption: "navy square", key: "retry-7" });
    await expectStoreUnchanged(async () => {
      const res = await contribute(token, {
        image: pngBytes(16, 16, 8),
        caption: "navy square",
        key: "retry-7",
      });
      await expectApiError(res, 422, "idempotency_key_reused");
    });
  });

  it("keeps idempotency keys per contributor: another contributor may use the same key", async () => {
    const a = await newContributor();
    const b = await newContributor();
    expect((await contribute(a.token, { image: pngBytes(16, 16, 9), key: "shared-key" })).status).toBe(201);
    const res = await contribute(b.token, { image: pngBytes(16, 16, 10), key: "shared-key" });
    expect(res.status).toBe(201);
    expect(res.headers.get("idempotent-replayed")).toBeNull();
  });

  it("refuses an image that moderation rejected", async () => {
    const { token } = await newContributor();
    const image = pngBytes(16, 16, 11);
    const body = (await (await contribute(token, { image })).json()) as Contribution;
    await env.DB.prepare("UPDATE images SET status = 'rejected' WHERE sha256 = ?")
      .bind(body.image.sha256)
      .run();
    await expectStoreUnchanged(async () => {
      await expectApiError(await contribute(token, { image, caption: "another try" }), 422, "image_rejected");
    });
  });

  it("answers a CORS preflight from any origin, allowing the Authorization header", async () => {
    const res = await call("/v1/contributions", {
      method: "OPTIONS",
      headers: {
        Origin: "https://widget.example",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type, idempotency-key",
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("authorization");
    expect(res.headers.get("access-control-allow-methods")).toContain("POST");
  });
});
