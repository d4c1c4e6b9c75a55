// Metadata is stripped on the server before hashing and storing: real files with EXIF (GPS), XMP, IPTC and
// text go in through POST /v1/contributions and POST /v1/admin/import; the R2 object holds none of it, its key
// and the answer's sha256 are the SHA-256 of the stripped bytes, and the response says what was removed.
import { sha256Hex, toBase64 } from "@commonspace/manifest";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { stripMetadata } from "../src/images/strip-metadata";
import { ADMIN_TOKEN, contribute, expectApiError, newContributor, postJson } from "./helpers/api";
import { fixture, plantedIn } from "./helpers/image-structure";
import { expectStoreUnchanged } from "./helpers/store-snapshot";

const { token } = await newContributor();

const FILES = [
  ["photo-gps.jpg", "image/jpeg"],
  ["progressive-gps.jpg", "image/jpeg"],
  ["cmyk-adobe.jpg", "image/jpeg"],
  ["text-exif.png", "image/png"],
  ["palette-text.png", "image/png"],
  ["lossy-alpha.webp", "image/webp"],
  ["lossless-gps.webp", "image/webp"],
] as const;

interface Answer {
  image: { sha256: string; type: string };
  metadata_removed: string[];
}

describe("metadata stripping on upload", () => {
  it.each(FILES)("stores %s without any of its metadata", async (name, type) => {
    const original = fixture(name);
    const res = await contribute(token, { image: original, imageType: type, caption: `stripped ${name}` });
    expect(res.status).toBe(201);
    const body = (await res.json()) as Answer;
    const object = await env.BUCKET.get(`images/${body.image.sha256}`);
    expect(object).not.toBeNull();
    const stored = new Uint8Array(await object!.arrayBuffer());
    expect(plantedIn(original).length).toBeGreaterThan(0);
    expect(plantedIn(stored)).toEqual([]);
    expect(stored).toEqual(stripMetadata(original, type).bytes);
    expect(await sha256Hex(stored)).toBe(body.image.sha256);
    expect(await sha256Hex(original)).not.toBe(body.image.sha256);
    expect(body.metadata_removed).toEqual(stripMetadata(original, type).removed);
    const row = await env.DB.prepare("SELECT bytes FROM images WHERE sha256 = ?")
      .bind(body.image.sha256)
      .first<{ bytes: number }>();
    expect(row?.bytes).toBe(stored.length);
  });

  it("replays the stored answer, metadata_removed included, for a retry with the same key", async () => {
    const image = fixture("photo-gps.jpg");
    const first = await contribute(token, {
      image,
      imageType: "image/jpeg",
      caption: "retry",
      key: "meta-retry",
    });
    const again = await contribute(token, {
      image,
      imageType: "image/jpeg",
      caption: "retry",
      key: "meta-retry",
    });
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await again.text()).toBe(await first.text());
  });

  it("refuses a photo whose EXIF says to rotate it (422 image_orientation), storing nothing", async () => {
    const message = await expectStoreUnchanged(async () =>
      expectApiError(
        await contribute(token, { image: fixture("rotated.jpg"), imageType: "image/jpeg" }),
        422,
        "image_orientation",
      ),
    );
    expect(message).toMatch(/orientation is 6/);
  });

  it("strips imported images too and counts them; a clean seed PNG keeps its SHA-256", async () => {
    const png = fixture("text-exif.png");
    const items = [
      {
        image_base64: toBase64(png),
        sha256: await sha256Hex(png),
        source: "test-fixture",
        licence: "CC0-1.0",
        attribution: "",
        concept: "name:fixture",
        category: null,
        captions: ["a fixture with text chunks"],
      },
    ];
    const res = await postJson("/v1/admin/import", { items }, ADMIN_TOKEN);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { metadata_stripped: number }).metadata_stripped).toBe(1);
    const stripped = stripMetadata(png, "image/png").bytes;
    const object = await env.BUCKET.get(`images/${await sha256Hex(stripped)}`);
    expect(plantedIn(new Uint8Array(await object!.arrayBuffer()))).toEqual([]);
    expect(await env.BUCKET.head(`images/${await sha256Hex(png)}`)).toBeNull();
  });
});
