// Model files by SHA-256 (GET /v1/models/files/:sha256) inside workerd against real D1 and R2: immutable
// caching, ETag / If-None-Match, one Range (206), 416 for the rest, and strict addressing.
import { sha256Hex } from "@commonspace/manifest";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { api, errorCode, fixtureFile, publish } from "./models-fixtures";

const file = fixtureFile("vq_encoder.onnx", "vq-encoder", 5, 1000);
let sha256 = "";
let url = "";

beforeAll(async () => {
  sha256 = await sha256Hex(file.bytes);
  url = `/v1/models/files/${sha256}`;
  const res = await publish({ version: "1.0.0", files: [file] });
  expect(res.status).toBe(201);
});

async function bytes(res: Response): Promise<Uint8Array> {
  return new Uint8Array(await res.arrayBuffer());
}

describe("GET /v1/models/files/:sha256", () => {
  it("serves the whole file with a strong ETag and immutable caching", async () => {
    const res = await api(url);
    expect(res.status).toBe(200);
    expect(await bytes(res)).toEqual(file.bytes);
    expect(res.headers.get("etag")).toBe(`"${sha256}"`);
    expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(res.headers.get("accept-ranges")).toBe("bytes");
    expect(res.headers.get("content-length")).toBe("1000");
    expect(res.headers.get("content-type")).toBe("application/octet-stream");
  });

  it("answers 304 without a body when If-None-Match holds the ETag", async () => {
    for (const tag of [`"${sha256}"`, `W/"${sha256}"`, `"other", "${sha256}"`, "*"]) {
      const res = await api(url, { headers: { "If-None-Match": tag } });
      expect(res.status).toBe(304);
      expect(res.headers.get("etag")).toBe(`"${sha256}"`);
      expect(await res.text()).toBe("");
    }
    expect((await api(url, { headers: { "If-None-Match": '"other"' } })).status).toBe(200);
  });

  it.each([
    ["bytes=0-9", 0, 10],
    ["bytes=990-", 990, 1000],
    ["bytes=-5", 995, 1000],
    ["bytes=500-5000", 500, 1000],
  ])("serves Range %s as 206 with the matching Content-Range", async (range, start, end) => {
    const res = await api(url, { headers: { Range: range } });
    expect(res.status).toBe(206);
    expect(res.headers.get("content-range")).toBe(`bytes ${start}-${end - 1}/1000`);
    expect(res.headers.get("content-length")).toBe(String(end - start));
    expect(await bytes(res)).toEqual(file.bytes.subarray(start, end));
  });

  it.each([["bytes=0-1,5-6"], ["bytes=1000-"], ["bytes=5-1"], ["bytes=abc"], ["lines=1-2"], ["bytes=-0"]])(
    "answers Range %s with 416, Content-Range bytes */size and the JSON error",
    async (range) => {
      const res = await api(url, { headers: { Range: range } });
      expect(res.status).toBe(416);
      expect(res.headers.get("content-range")).toBe("bytes */1000");
      expect(res.headers.get("cache-control")).toBeNull();
      expect(await errorCode(res)).toBe("range_not_satisfiable");
    },
  );

  it("ignores Range when If-Range names another version of the file", async () => {
    const res = await api(url, { headers: { Range: "bytes=0-9", "If-Range": '"0000"' } });
    expect(res.status).toBe(200);
    expect((await bytes(res)).length).toBe(1000);
    const same = await api(url, { headers: { Range: "bytes=0-9", "If-Range": `"${sha256}"` } });
    expect(same.status).toBe(206);
  });

  it("is readable from any origin, with ETag and Content-Range exposed to scripts", async () => {
    const res = await api(url, { headers: { Origin: "https://widget-host.example", Range: "bytes=0-0" } });
    expect(res.status).toBe(206);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    const exposed = (res.headers.get("access-control-expose-headers") ?? "").toLowerCase();
    expect(exposed).toContain("etag");
    expect(exposed).toContain("content-range");
  });

  it("answers HEAD with the headers and no body", async () => {
    const res = await api(url, { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(res.headers.get("etag")).toBe(`"${sha256}"`);
    expect(await res.text()).toBe("");
  });

  it.each([
    ["an encoded path traversal", "..%2F..%2Fwrangler.toml"],
    ["a traversal to another R2 prefix", `..%2Fimages%2F${"a".repeat(64)}`],
    ["encoded dots", "%2e%2e%2f%2e%2e%2fsecret"],
    ["upper-case hex", "A".repeat(64)],
    ["63 hex characters", "a".repeat(63)],
    ["a key with a prefix", `models%2F${"a".repeat(64)}`],
  ])("rejects %s in the SHA-256 parameter with 400", async (_label, param) => {
    const res = await api(`/v1/models/files/${param}`);
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe("invalid_sha256");
  });

  it("answers 404 for a well-formed SHA-256 that no published version lists, even if R2 holds it", async () => {
    const orphan = fixtureFile("x", "card", 6).bytes;
    const orphanSha = await sha256Hex(orphan);
    await env.BUCKET.put(`models/${orphanSha}`, orphan);
    const res = await api(`/v1/models/files/${orphanSha}`);
    expect(res.status).toBe(404);
    expect(await errorCode(res)).toBe("file_not_found");
  });
});
