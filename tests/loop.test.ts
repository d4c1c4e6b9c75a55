// The loop end to end (issue 14, "The loop"): contributions through the real API → approved → exported → a tiny
// model trained, then fine-tuned from its checkpoints by `python3 -m training.loop` (what `npm run train` runs)
// → published to beta → promoted to stable by the guard → the stable channel manifest names the new version;
// a withdrawn contribution's image is not in the second run's training data (its recorded training manifest).
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { ModelStore, createImage, createMemoryCache, encodePng } from "@commonspace/model";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiServer, devAdminToken, startApi } from "./support/api-server";
import { REPO_ROOT, makeTempDir } from "./support/paths";
import { runToCompletion } from "./support/process-group";

interface LoopRecord {
  version: string;
  promoted: boolean;
  guard: string;
  from: string | null;
  images: string[];
  trained_on: string[];
  dropped: { pairs: string[]; images: string[] };
}

interface FixtureImage {
  sha256: string;
  source: string;
  licence: string;
  attribution: string;
  concept: string;
  category: string;
}

let api: ApiServer;
let tmp: string;
const admin = devAdminToken();

async function post(path: string, body: unknown, token = admin): Promise<Response> {
  return fetch(`${api.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

/** The Python fixture (training/tests/fixture.py: 48 shapes, 24 concepts) imported as approved seed data. */
async function importFixture(): Promise<void> {
  const dir = join(tmp, "fixture");
  execFileSync(
    "/usr/bin/python3",
    [
      "-c",
      `from pathlib import Path; from training.tests.fixture import write_fixture; write_fixture(Path(${JSON.stringify(dir)}))`,
    ],
    { cwd: REPO_ROOT },
  );
  const byImage = new Map<string, { image: FixtureImage; captions: string[] }>();
  for (const line of readFileSync(join(dir, "export.ndjson"), "utf8").trim().split("\n")) {
    const row = JSON.parse(line) as {
      type: string;
      image: FixtureImage;
      caption: { text: string };
    };
    if (row.type !== "pair") continue;
    const entry = byImage.get(row.image.sha256) ?? { image: row.image, captions: [] };
    entry.captions.push(row.caption.text);
    byImage.set(row.image.sha256, entry);
  }
  expect(readdirSync(join(dir, "images")).length).toBe(byImage.size);
  const items = [...byImage.values()].map(({ image, captions }) => ({
    image_base64: readFileSync(join(dir, "images", `${image.sha256}.png`)).toString("base64"),
    source: image.source,
    licence: image.licence,
    attribution: image.attribution,
    concept: image.concept,
    category: image.category,
    captions,
  }));
  const res = await post("/v1/admin/import", { items });
  expect(res.status, await res.clone().text()).toBe(200);
}

async function contribute(token: string, rgb: number[], caption: string, terms: string) {
  const image = createImage(32, 32);
  for (let p = 0; p < image.data.length; p += 4) image.data.set([...rgb, 255], p);
  const form = new FormData();
  form.set("image", new Blob([Uint8Array.from(await encodePng(image))], { type: "image/png" }), "image.png");
  form.set("caption", caption);
  form.set("licence", "CC0-1.0");
  form.set("consent", "true");
  form.set("terms_version", terms);
  const res = await fetch(`${api.url}/v1/contributions`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "idempotency-key": crypto.randomUUID() },
    body: form,
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as { image: { sha256: string }; pair: { id: string } };
}

async function channel(
  name: string,
  etag?: string,
): Promise<{ status: number; version?: string; etag: string }> {
  const res = await fetch(`${api.url}/v1/models/channels/${name}/manifest`, {
    headers: etag ? { "if-none-match": etag } : {},
  });
  const body = res.status === 200 ? ((await res.json()) as { manifest: { version: string } }) : undefined;
  return { status: res.status, version: body?.manifest.version, etag: res.headers.get("etag") ?? "" };
}

async function loop(work: string, extra: string[]): Promise<{ record: LoopRecord; output: string }> {
  const output = await runToCompletion(
    "training.loop",
    "/usr/bin/python3",
    ["-m", "training.loop", "--api", api.url, "--token", admin, "--config", "tiny", "--work", work, ...extra],
    {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        OMP_NUM_THREADS: "1",
        OPENBLAS_NUM_THREADS: "1",
        NODE: process.execPath,
        PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}`,
      },
    },
  );
  return {
    record: JSON.parse(readFileSync(join(work, "training-manifest.json"), "utf8")) as LoopRecord,
    output,
  };
}

describe("the loop: API data → trained model → beta → stable", () => {
  beforeAll(async () => {
    tmp = await makeTempDir("loop");
    api = await startApi();
  });
  afterAll(async () => {
    await api?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it(
    "trains on approved contributions, drops a withdrawn one, publishes and promotes by the guard",
    { timeout: 300_000 },
    async () => {
      await importFixture();
      const terms = ((await (await fetch(`${api.url}/v1/terms`)).json()) as { version: string }).version;
      const who = (await (await fetch(`${api.url}/v1/contributors`, { method: "POST" })).json()) as {
        token: string;
      };
      const kept = await contribute(who.token, [230, 90, 160], "pink circle", terms);
      const gone = await contribute(who.token, [20, 200, 200], "teal blob", terms);
      const decided = await post("/v1/admin/moderation/decisions", {
        decisions: [kept, gone].map((c) => ({ image: c.image.sha256, status: "approved" })),
      });
      expect(decided.status, await decided.clone().text()).toBe(200);
      expect((await channel("stable")).status).toBe(404);

      // 1: no version yet: a tiny model from scratch, whose checkpoints the next run fine-tunes
      const first = await loop(join(tmp, "w1"), ["--scratch"]);
      expect(first.record.images).toEqual(expect.arrayContaining([kept.image.sha256, gone.image.sha256]));
      expect(first.record.promoted).toBe(true);
      const stable1 = await channel("stable");
      expect(stable1.version).toBe(first.record.version);
      // A device installs it with the runtime's own store (signed manifest, verified files).
      const device = new ModelStore({
        api: api.url,
        channel: "stable",
        cache: createMemoryCache(),
        retries: 0,
      });
      expect((await device.load()).version).toBe(first.record.version);

      // 2: the contributor withdraws one; the loop fine-tunes from run 1's checkpoints
      const withdrawn = await fetch(`${api.url}/v1/contributions/${gone.pair.id}`, {
        method: "DELETE",
        headers: { authorization: `Bearer ${who.token}` },
      });
      expect(withdrawn.ok, await withdrawn.clone().text()).toBe(true);
      const second = await loop(join(tmp, "w2"), ["--from", join(tmp, "w1", "checkpoints")]);
      const r = second.record;
      expect(r.from).toContain("w1");
      expect(r.version).not.toBe(first.record.version);
      expect(r.images).toContain(kept.image.sha256);
      expect(r.images).not.toContain(gone.image.sha256);
      expect(r.trained_on).not.toContain(gone.image.sha256);
      expect(second.output).toMatch(
        /promotion rule: promote iff validation gen_r_precision >= stable's - 1 SE/,
      );
      expect((await channel("beta")).version).toBe(r.version);
      console.log(`loop run 1: ${first.record.guard}\nloop run 2: ${r.guard}`);
      expect(r.promoted, r.guard).toBe(true);
      expect(r.guard).toMatch(new RegExp(`stable ${first.record.version.replace(/\./g, "\\.")}'s`));
      // The runtime's update check on that device sees the new version (its held ETag no longer matches).
      const check = await channel("stable", stable1.etag);
      expect(check.status).toBe(200);
      const update = await device.checkForUpdate();
      expect(update).toMatchObject({ available: true, version: r.version, current: first.record.version });
    },
  );
});
