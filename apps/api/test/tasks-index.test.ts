// Labelling tasks whose hard negatives come from the stable version's dataset index, inside workerd against real
// D1 and R2: an index for the seeded images is published through the admin route (index.json and
// index-embeddings.bin written by packages/model's own encoder) and promoted to stable; each task's negatives
// must be its image's nearest neighbours that are not true pairs, and its judgments must carry the version.
// Without an index, or with one too thin for the prompt, tasks fall back to lexical negatives (model_version null).
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import {
  DATASET_INDEX_FORMAT,
  decodeEmbeddings,
  encodeEmbeddings,
  EMBEDDING_ENCODING,
  parseDatasetIndex,
  type DatasetIndex,
} from "../../../packages/model/src/dataset-index/index-format";
import { decodeBase64Url } from "../src/crypto/base64url";
import { mulberry32 } from "../src/tasks/seeded-random";
import type { TaskClaims } from "../src/tasks/task-token";
import { get, newContributor, postJson } from "./helpers/api";
import { importSeedDataset } from "./helpers/seed-dataset";
import { ADMIN, api, fixtureFile, publish } from "./models-fixtures";

const MODEL = "default";
const DIM = 16;

interface IssuedTask {
  task: {
    id: string;
    model_version: string | null;
    prompt: { image?: { sha256: string }; caption?: { id: string } };
    candidates: { id: string }[];
  };
  token: string;
}

interface SeededImage {
  sha256: string;
  concept: string;
  /** Served captions of the image, by pair id. */
  captions: number[];
}

let contributor: { id: string; token: string };
let images: SeededImage[];

/** Seeded images with their served captions, from D1. */
async function seededImages(): Promise<SeededImage[]> {
  const { results } = await env.DB.prepare(
    `SELECT i.sha256, i.concept, json_group_array(p.caption_id) AS captions
     FROM images i JOIN (SELECT * FROM pairs WHERE status = 'approved' ORDER BY id) p ON p.image_id = i.id
     WHERE i.status = 'approved' GROUP BY i.id ORDER BY i.id`,
  ).all<{ sha256: string; concept: string; captions: string }>();
  return results.map((row) => ({ ...row, captions: JSON.parse(row.captions) as number[] }));
}

/** Seeded random unit vectors: every image its own direction, so each has a distinct neighbour order. */
function unitVectors(count: number, seed: number): Float32Array[] {
  const random = mulberry32(seed);
  return Array.from({ length: count }, () => {
    const vector = Float32Array.from({ length: DIM }, () => random() * 2 - 1);
    const norm = Math.hypot(...vector);
    return vector.map((v) => v / norm);
  });
}

/** index.json and index-embeddings.bin for `hashes` (a real index: packages/model's parser accepts it). */
function datasetIndexFiles(version: string, hashes: string[], seed: number) {
  const n = hashes.length;
  const index: DatasetIndex = {
    format: DATASET_INDEX_FORMAT,
    model: { name: MODEL, version },
    built: "2026-11-29T10:56:00Z",
    count: n,
    dim: DIM,
    embeddings: { encoding: EMBEDDING_ENCODING },
    layout: { method: "pca" },
    atlas: null,
    sources: ["seed"],
    licences: ["CC0-1.0"],
    attributions: [""],
    clusters: [{ label: "all", x: 0, y: 0, size: n }],
    images: {
      sha256: hashes,
      source: hashes.map(() => 0),
      licence: hashes.map(() => 0),
      attribution: hashes.map(() => 0),
      cluster: hashes.map(() => 0),
      x: hashes.map(() => 0),
      y: hashes.map(() => 0),
      caption: hashes.map(() => ""),
    },
  };
  const text = JSON.stringify(index);
  parseDatasetIndex(text);
  const embeddings = encodeEmbeddings(unitVectors(n, seed), DIM);
  return {
    embeddings: decodeEmbeddings(embeddings, n, DIM),
    files: [
      { name: "index.json", role: "dataset-index", bytes: new TextEncoder().encode(text) },
      { name: "index-embeddings.bin", role: "dataset-embeddings", bytes: embeddings },
    ],
  };
}

async function publishAndPromote(version: string, files: Parameters<typeof publish>[0]["files"]) {
  expect((await publish({ name: MODEL, version, files })).status).toBe(201);
  const res = await api("/v1/admin/channels/stable", {
    method: "POST",
    headers: { ...ADMIN, "Content-Type": "application/json" },
    body: JSON.stringify({ version, model: MODEL }),
  });
  expect(res.status).toBe(200);
}

async function nextTask(kind: string): Promise<IssuedTask> {
  const res = await get(`/v1/tasks/next?kind=${kind}&k=4`, contributor.token);
  expect(res.status).toBe(200);
  return (await res.json()) as IssuedTask;
}

/** Index hashes of the seeded images by float cosine to `sha256`'s vector, nearest first, itself left out. */
function rankedByCosine(hashes: string[], vectors: Float32Array[], sha256: string): string[] {
  const query = vectors[hashes.indexOf(sha256)]!;
  const cosine = (v: Float32Array) => {
    let dot = 0;
    v.forEach((x, d) => (dot += x * query[d]!));
    return dot / Math.hypot(...v);
  };
  return hashes
    .map((hash, row) => ({ hash, score: cosine(vectors[row]!) }))
    .filter((item) => item.hash !== sha256)
    .sort((a, b) => b.score - a.score)
    .map((item) => item.hash);
}

beforeAll(async () => {
  await importSeedDataset();
  contributor = await newContributor();
  images = await seededImages();
});

describe("GET /v1/tasks/next with the stable version's dataset index", () => {
  it("falls back to lexical negatives (model_version null) with no stable version, or one without an index", async () => {
    expect((await nextTask("caption-for-image")).task.model_version).toBeNull();
    await publishAndPromote("2026.11.01-0900", [fixtureFile("gpt_step.onnx", "gpt-step", 1)]);
    expect((await nextTask("image-for-caption")).task.model_version).toBeNull();
  });

  it("falls back when the index is too thin for the prompt (two images: one neighbour, not three)", async () => {
    const { files } = datasetIndexFiles("2026.11.15-1200", [images[0]!.sha256, images[2]!.sha256], 7);
    await publishAndPromote("2026.11.15-1200", files);
    for (let round = 0; round < 3; round++) {
      expect((await nextTask("caption-for-image")).task.model_version).toBeNull();
    }
  });

  describe("with a full index promoted", () => {
    const version = "2026.11.29-1056";
    const modelVersion = `${MODEL}@${version}`;
    let hashes: string[];
    let vectors: Float32Array[];
    const served = () => new Map(images.map((image) => [image.sha256, image]));

    beforeAll(async () => {
      // One hash no image has (a removed image, say) sits in the index too: it must never be proposed.
      hashes = [...images.map((image) => image.sha256), "f".repeat(64)];
      const built = datasetIndexFiles(version, hashes, 42);
      vectors = built.embeddings;
      await publishAndPromote(version, built.files);
    });

    it("proposes the captions of the prompt image's nearest neighbours that are not true pairs", async () => {
      for (let round = 0; round < 6; round++) {
        const { task } = await nextTask("caption-for-image");
        expect(task.model_version).toBe(modelVersion);
        const prompt = served().get(task.prompt.image!.sha256)!;
        const own = new Set(
          images.filter((image) => image.concept === prompt.concept).flatMap((image) => image.captions),
        );
        const expected: number[] = [];
        const concepts = new Set<string>();
        for (const hash of rankedByCosine(hashes, vectors, prompt.sha256)) {
          const neighbour = served().get(hash);
          if (!neighbour || neighbour.concept === prompt.concept || concepts.has(neighbour.concept)) continue;
          const caption = neighbour.captions.find((id) => !own.has(id) && !expected.includes(id));
          if (caption === undefined) continue;
          concepts.add(neighbour.concept);
          expected.push(caption);
          if (expected.length === 3) break;
        }
        const ids = task.candidates.map((candidate) => Number(candidate.id));
        expect(ids.filter((id) => own.has(id)).length).toBe(1);
        expect(ids.filter((id) => !own.has(id)).sort()).toEqual(expected.sort());
      }
    });

    it("proposes the true image's nearest neighbours, one per concept, none paired with the caption", async () => {
      for (let round = 0; round < 6; round++) {
        const { task } = await nextTask("image-for-caption");
        expect(task.model_version).toBe(modelVersion);
        const captionId = Number(task.prompt.caption!.id);
        const paired = new Set(images.filter((i) => i.captions.includes(captionId)).map((i) => i.sha256));
        const truth = task.candidates.filter((candidate) => paired.has(candidate.id));
        expect(truth.length).toBe(1);
        const trueImage = served().get(truth[0]!.id)!;
        const expected: string[] = [];
        const concepts = new Set<string>();
        for (const hash of rankedByCosine(hashes, vectors, trueImage.sha256)) {
          const neighbour = served().get(hash);
          if (!neighbour || paired.has(hash) || neighbour.concept === trueImage.concept) continue;
          if (concepts.has(neighbour.concept)) continue;
          concepts.add(neighbour.concept);
          expected.push(hash);
          if (expected.length === 3) break;
        }
        const negatives = task.candidates.map((candidate) => candidate.id).filter((id) => !paired.has(id));
        expect(negatives.sort()).toEqual(expected.sort());
      }
    });

    it("records the proposing model version in the task token and in every judgment of the answer", async () => {
      const issued = await nextTask("caption-for-image");
      const payload = decodeBase64Url(issued.token.split(".")[0]!)!;
      const claims = JSON.parse(new TextDecoder().decode(payload)) as TaskClaims;
      expect(claims.mv).toBe(modelVersion);
      const choice = issued.task.candidates[0]!.id;
      const res = await postJson(
        `/v1/tasks/${issued.task.id}/answer`,
        { token: issued.token, choice },
        contributor.token,
      );
      expect(res.status).toBe(201);
      const { results } = await env.DB.prepare(
        "SELECT CAST(caption_id AS TEXT) AS caption, verdict, model_version FROM judgments WHERE task_id = ?",
      )
        .bind(issued.task.id)
        .all<{ caption: string; verdict: string; model_version: string | null }>();
      expect(results.length).toBe(4);
      for (const row of results) {
        expect(row.model_version).toBe(modelVersion);
        expect(row.verdict).toBe(row.caption === choice ? "positive" : "negative");
      }
    });

    it("goes back to lexical negatives once stable rolls back to a version without a usable index", async () => {
      const res = await api("/v1/admin/channels/stable/rollback", { method: "POST", headers: ADMIN });
      expect(res.status).toBe(200);
      expect((await nextTask("caption-for-image")).task.model_version).toBeNull();
    });
  });
});
