import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, call, contribute, expectApiError, get, newContributor } from "./helpers/api";
import { pngBytes } from "./helpers/image-bytes";
import { importSeedDataset } from "./helpers/seed-dataset";
import { expectStoreUnchanged } from "./helpers/store-snapshot";

interface ImagePage {
  items: { sha256: string; source: string; licence: string; status: string; url: string }[];
  next_cursor: string | null;
}

let approvedSha = "";
let pendingSha = "";
const approvedBytes = pngBytes(20, 20, 4242);

beforeAll(async () => {
  await importSeedDataset();
  const { token } = await newContributor();
  const res = await contribute(token, { image: approvedBytes, caption: "range test square" });
  approvedSha = ((await res.json()) as { image: { sha256: string } }).image.sha256;
  await env.DB.prepare("UPDATE images SET status = 'approved' WHERE sha256 = ?").bind(approvedSha).run();
  const pending = await contribute(token, { image: pngBytes(20, 20, 4343), caption: "pending square" });
  pendingSha = ((await pending.json()) as { image: { sha256: string } }).image.sha256;
});

describe("GET /v1/images", () => {
  it("pages through approved images with an opaque cursor and no duplicates", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 20; page++) {
      const res = await get(`/v1/images?limit=7${cursor ? `&cursor=${cursor}` : ""}`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as ImagePage;
      expect(body.items.length).toBeLessThanOrEqual(7);
      seen.push(...body.items.map((item) => item.sha256));
      cursor = body.next_cursor;
      if (!cursor) break;
    }
    expect(seen.length).toBe(29);
    expect(new Set(seen).size).toBe(29);
    expect(seen).not.toContain(pendingSha);
  });

  it("filters by source and licence", async () => {
    const body = (await (
      await get("/v1/images?source=emoji-datasource-twitter&limit=100")
    ).json()) as ImagePage;
    expect(body.items.length).toBe(14);
    expect(body.items.every((item) => item.licence === "CC-BY-4.0")).toBe(true);
    const cc0 = (await (await get("/v1/images?licence=CC0-1.0")).json()) as ImagePage;
    expect(cc0.items.map((item) => item.sha256)).toEqual([approvedSha]);
  });

  it("searches caption text with FTS5, prefix on the last word", async () => {
    const body = (await (await get("/v1/images?q=appl")).json()) as ImagePage;
    expect(body.items.length).toBe(4);
    const red = (await (await get("/v1/images?q=red%20apple")).json()) as ImagePage;
    expect(red.items.length).toBe(2);
  });

  it("treats FTS syntax and SQL in q as plain words, never as an error", async () => {
    for (const q of [
      '"',
      "apple OR",
      "NEAR(a b",
      "*",
      "col:apple",
      "'; DROP TABLE images; --",
      'a" OR "b',
      "-",
      "()",
    ]) {
      const res = await get(`/v1/images?q=${encodeURIComponent(q)}`);
      expect(res.status, q).toBe(200);
    }
    const injected = (await (
      await get(`/v1/images?q=${encodeURIComponent('apple" OR "dog')}`)
    ).json()) as ImagePage;
    expect(injected.items.length).toBe(0);
  });

  it("shows pending images to the admin token only", async () => {
    await expectApiError(await get("/v1/images?status=pending"), 401, "unauthorized");
    const body = (await (await get("/v1/images?status=pending", ADMIN_TOKEN)).json()) as ImagePage;
    expect(body.items.map((item) => item.sha256)).toEqual([pendingSha]);
  });

  it("rejects bad query values and tampered cursors with 400", async () => {
    await expectApiError(await get("/v1/images?limit=101"), 400, "invalid_query");
    await expectApiError(await get("/v1/images?limit=0"), 400, "invalid_query");
    await expectApiError(await get("/v1/images?status=deleted"), 400, "invalid_query");
    await expectApiError(await get("/v1/images?cursor=not-a-cursor"), 400, "invalid_cursor");
    await expectApiError(await get(`/v1/images?cursor=${btoa('{"after":-1}')}`), 400, "invalid_cursor");
  });
});

describe("GET /v1/images/:sha256", () => {
  it("serves the bytes with an immutable Cache-Control and the SHA-256 as ETag", async () => {
    const res = await get(`/v1/images/${approvedSha}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(res.headers.get("etag")).toBe(`"${approvedSha}"`);
    expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(res.headers.get("accept-ranges")).toBe("bytes");
    expect(res.headers.get("cross-origin-resource-policy")).toBe("cross-origin");
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(approvedBytes);
  });

  it("answers If-None-Match with 304 and no body", async () => {
    for (const tag of [`"${approvedSha}"`, `W/"${approvedSha}"`, `"other", "${approvedSha}"`, "*"]) {
      const res = await get(`/v1/images/${approvedSha}`, undefined, { "If-None-Match": tag });
      expect(res.status, tag).toBe(304);
      expect(res.headers.get("etag")).toBe(`"${approvedSha}"`);
      expect((await res.arrayBuffer()).byteLength).toBe(0);
    }
    expect((await get(`/v1/images/${approvedSha}`, undefined, { "If-None-Match": '"other"' })).status).toBe(
      200,
    );
  });

  it("answers a single Range with 206 and the exact slice", async () => {
    const size = approvedBytes.length;
    const cases: [string, number, number][] = [
      ["bytes=0-9", 0, 9],
      ["bytes=10-", 10, size - 1],
      ["bytes=-5", size - 5, size - 1],
      [`bytes=5-${size + 100}`, 5, size - 1],
      [`bytes=-${size + 100}`, 0, size - 1],
    ];
    for (const [range, start, end] of cases) {
      const res = await get(`/v1/images/${approvedSha}`, undefined, { Range: range });
      expect(res.status, range).toBe(206);
      expect(res.headers.get("content-range")).toBe(`bytes ${start}-${end}/${size}`);
      expect(res.headers.get("content-length")).toBe(String(end - start + 1));
      expect(new Uint8Array(await res.arrayBuffer())).toEqual(approvedBytes.subarray(start, end + 1));
    }
  });

  it("answers unsatisfiable, multiple and malformed ranges with 416 and Content-Range */size", async () => {
    const size = approvedBytes.length;
    for (const range of [
      `bytes=${size}-`,
      "bytes=9-3",
      "bytes=0-1,4-5",
      "bytes=-0",
      "bytes=a-b",
      "items=0-1",
      "bytes=-",
    ]) {
      const res = await get(`/v1/images/${approvedSha}`, undefined, { Range: range });
      expect(res.headers.get("content-range"), range).toBe(`bytes */${size}`);
      await expectApiError(res, 416, "range_not_satisfiable");
    }
  });

  it("answers HEAD with the headers and no body", async () => {
    const res = await call(`/v1/images/${approvedSha}`, { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(res.headers.get("etag")).toBe(`"${approvedSha}"`);
    expect((await res.arrayBuffer()).byteLength).toBe(0);
  });

  it("rejects path traversal and anything but 64 lower-case hex with 400, touching nothing", async () => {
    await expectStoreUnchanged(async () => {
      for (const bad of [
        "..%2F..%2Fetc%2Fpasswd",
        "%2e%2e%2fimages",
        approvedSha.toUpperCase(),
        "abc",
        `${approvedSha}0`,
      ]) {
        await expectApiError(await get(`/v1/images/${bad}`), 400, "invalid_param");
      }
      await expectApiError(await get(`/v1/images/..%2F${approvedSha}/meta`), 400, "invalid_param");
    });
  });

  it("hides pending and unknown images from the public (404) but serves pending ones to the admin, uncached", async () => {
    await expectApiError(await get(`/v1/images/${pendingSha}`), 404, "image_not_found");
    await expectApiError(await get(`/v1/images/${"0".repeat(64)}`), 404, "image_not_found");
    const admin = await get(`/v1/images/${pendingSha}`, ADMIN_TOKEN);
    expect(admin.status).toBe(200);
    expect(admin.headers.get("cache-control")).toBe("private, no-store");
  });
});

describe("GET /v1/images/:sha256/meta", () => {
  it("returns the image with its approved captions and vote counts", async () => {
    const res = await get(`/v1/images/${approvedSha}/meta`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { image: { sha256: string }; captions: { text: string }[] };
    expect(body.image.sha256).toBe(approvedSha);
    // The contributed pair is still pending: only the admin sees it.
    expect(body.captions).toEqual([]);
    const admin = (await (await get(`/v1/images/${approvedSha}/meta`, ADMIN_TOKEN)).json()) as typeof body;
    expect(admin.captions).toEqual([
      expect.objectContaining({
        text: "range test square",
        status: "pending",
        origin: "contribution",
        positive_votes: 0,
      }),
    ]);
  });
});
