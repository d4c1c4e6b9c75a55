// Release channels and version listings inside workerd against real D1: promote, rollback through the
// history, channel manifests with ETag / 304, and refusals that change nothing.
import { type SignedManifest, verifySignedManifest } from "@commonspace/manifest";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN, api, errorCode, fixtureFile, publish, storageSnapshot, TEST_KEY } from "./models-fixtures";

function promote(channel: string, body: unknown, headers: Record<string, string> = ADMIN): Promise<Response> {
  return api(`/v1/admin/channels/${channel}`, {
    method: "POST",
    headers: { ...headers, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
}

function rollback(channel: string, headers: Record<string, string> = ADMIN): Promise<Response> {
  return api(`/v1/admin/channels/${channel}/rollback`, { method: "POST", headers });
}

async function stableVersion(): Promise<string | null> {
  const res = await api("/v1/models/channels/stable/manifest");
  if (res.status !== 200) return null;
  return ((await res.json()) as SignedManifest).manifest.version;
}

beforeAll(async () => {
  for (const [i, version] of ["1.0.0", "2.0.0", "3.0.0"].entries()) {
    const res = await publish({ version, files: [fixtureFile("gpt_step.onnx", "gpt-step", 100 + i)] });
    expect(res.status).toBe(201);
  }
  const other = await publish({
    name: "other-model",
    version: "3.0.0",
    files: [fixtureFile("a.onnx", "clip-text", 9)],
  });
  expect(other.status).toBe(201);
});

describe("channels", () => {
  it("answers 404 for a channel that points nowhere yet, and lists both channels", async () => {
    const res = await api("/v1/models/channels/stable/manifest");
    expect(res.status).toBe(404);
    expect(await errorCode(res)).toBe("channel_empty");
    const list = (await (await api("/v1/models/channels")).json()) as { channels: { channel: string }[] };
    expect(list.channels.map((c) => c.channel)).toEqual(["stable", "beta"]);
  });

  it("promotes a version and serves the channel's signed manifest with an ETag that answers 304", async () => {
    const res = await promote("stable", { version: "1.0.0", model: "commonspace-mini" });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      channel: "stable",
      model: "commonspace-mini",
      version: "1.0.0",
      previous: null,
    });
    const manifest = await api("/v1/models/channels/stable/manifest");
    expect(manifest.status).toBe(200);
    expect(manifest.headers.get("cache-control")).toBe("public, max-age=60, must-revalidate");
    const etag = manifest.headers.get("etag") ?? "";
    expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
    const verified = await verifySignedManifest(await manifest.json(), [TEST_KEY]);
    expect(verified.key).toBe(TEST_KEY);
    const again = await api("/v1/models/channels/stable/manifest", { headers: { "If-None-Match": etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
  });

  it("changes the ETag when the channel moves, so a stale If-None-Match gets the new manifest", async () => {
    const old = (await api("/v1/models/channels/stable/manifest")).headers.get("etag") ?? "";
    expect((await promote("stable", { version: "2.0.0", model: "commonspace-mini" })).status).toBe(200);
    const res = await api("/v1/models/channels/stable/manifest", { headers: { "If-None-Match": old } });
    expect(res.status).toBe(200);
    expect(res.headers.get("etag")).not.toBe(old);
    expect(((await res.json()) as SignedManifest).manifest.version).toBe("2.0.0");
  });

  it("records a promote to the version already live as a no-op without history", async () => {
    const before = await storageSnapshot();
    expect((await promote("stable", { version: "2.0.0", model: "commonspace-mini" })).status).toBe(200);
    expect(await storageSnapshot()).toEqual(before);
  });

  it("rolls back through the promotes one by one, then refuses with 409", async () => {
    expect((await promote("stable", { version: "3.0.0", model: "commonspace-mini" })).status).toBe(200);
    const first = await rollback("stable");
    expect(await first.json()).toMatchObject({ version: "2.0.0", previous: { version: "3.0.0" } });
    expect(await stableVersion()).toBe("2.0.0");
    expect((await rollback("stable")).status).toBe(200);
    expect(await stableVersion()).toBe("1.0.0");
    const none = await rollback("stable");
    expect(none.status).toBe(409);
    expect(await errorCode(none)).toBe("nothing_to_roll_back");
    expect(await stableVersion()).toBe("1.0.0");
  });

  it("keeps every move in model_channel_history", async () => {
    const { results } = await env.DB.prepare(
      `SELECT h.action, v.version, h.rolled_back_at IS NOT NULL AS undone FROM model_channel_history h
       JOIN model_versions v ON v.id = h.version_id WHERE h.channel = 'stable' ORDER BY h.id`,
    ).all<{ action: string; version: string; undone: number }>();
    expect(results.map((r) => `${r.action} ${r.version}${r.undone ? " (undone)" : ""}`)).toEqual([
      "promote 1.0.0",
      "promote 2.0.0 (undone)",
      "promote 3.0.0 (undone)",
      "rollback 2.0.0",
      "rollback 1.0.0",
    ]);
  });

  it("keeps channels independent: beta moves without touching stable", async () => {
    expect((await promote("beta", { version: "3.0.0", model: "commonspace-mini" })).status).toBe(200);
    expect(await stableVersion()).toBe("1.0.0");
    const beta = (await (await api("/v1/models/channels/beta/manifest")).json()) as SignedManifest;
    expect(beta.manifest.version).toBe("3.0.0");
  });

  it.each<[string, () => Promise<Response>, number, string]>([
    ["an unknown version", () => promote("stable", { version: "9.9.9" }), 404, "version_not_found"],
    [
      "a version two models share, without model",
      () => promote("stable", { version: "3.0.0" }),
      409,
      "ambiguous_version",
    ],
    ["a bad channel name", () => promote("nightly", { version: "1.0.0" }), 400, "invalid_param"],
    ["a bad channel name on rollback", () => rollback("..%2Fstable"), 400, "invalid_param"],
    ["a body without version", () => promote("stable", { model: "commonspace-mini" }), 422, "invalid_body"],
    ["no admin token", () => promote("stable", { version: "2.0.0" }, {}), 401, "unauthorized"],
    ["no admin token on rollback", () => rollback("stable", {}), 401, "unauthorized"],
  ])("refuses %s and changes nothing", async (_label, call, status, code) => {
    const before = await storageSnapshot();
    const res = await call();
    expect(res.status).toBe(status);
    expect(await errorCode(res)).toBe(code);
    expect(await storageSnapshot()).toEqual(before);
    expect(await stableVersion()).toBe("1.0.0");
  });

  it("answers 400 for a bad channel name on the public manifest route", async () => {
    const res = await api("/v1/models/channels/nightly/manifest");
    expect(res.status).toBe(400);
  });
});

describe("GET /v1/models/versions", () => {
  it("lists versions newest first with their channels, one page at a time", async () => {
    type Page = {
      versions: { model: string; version: string; channels: string[] }[];
      next_cursor: string | null;
    };
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10; page++) {
      const res = await api(`/v1/models/versions?limit=1${cursor ? `&cursor=${cursor}` : ""}`);
      const body = (await res.json()) as Page;
      seen.push(...body.versions.map((v) => `${v.model}@${v.version}[${v.channels.join(",")}]`));
      cursor = body.next_cursor;
      if (!cursor) break;
    }
    expect(seen).toEqual([
      "other-model@3.0.0[]",
      "commonspace-mini@3.0.0[beta]",
      "commonspace-mini@2.0.0[]",
      "commonspace-mini@1.0.0[stable]",
    ]);
  });

  it("filters by model and rejects a malformed cursor with 400", async () => {
    const res = await api("/v1/models/versions?model=other-model");
    expect(((await res.json()) as { versions: unknown[] }).versions).toHaveLength(1);
    expect((await api("/v1/models/versions?cursor=abc")).status).toBe(400);
    expect((await api("/v1/models/versions?limit=1000")).status).toBe(400);
  });

  it("answers 404 for an unknown version and 304 for a known version's ETag", async () => {
    expect((await api("/v1/models/versions/commonspace-mini/7.7.7")).status).toBe(404);
    const res = await api("/v1/models/versions/commonspace-mini/1.0.0");
    const again = await api("/v1/models/versions/commonspace-mini/1.0.0", {
      headers: { "If-None-Match": res.headers.get("etag") ?? "" },
    });
    expect(again.status).toBe(304);
  });
});
