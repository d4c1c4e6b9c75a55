/**
 * Builds one labelling task: a random served pair is the truth; the first {@link HardNegativeSource} that can
 * supply k-1 candidates that are not proposes them (its model version goes into the task); the k candidates are shuffled with the CSPRNG (the client must not infer the answer
 * from the order) and the whole is signed into a token.
 */
import { IMAGE_COLUMNS, imageView, type ImageRow, type ImageView } from "../dataset/image-view";
import type { HardNegativeSource, PromptPair } from "./hard-negatives";
import { secureRandom, shuffled } from "./seeded-random";
import { signTask, TASK_TTL_SECONDS, type TaskClaims, type TaskKind } from "./task-token";

/** Options for {@link buildTask}. */
export interface BuildTaskOptions {
  kind: TaskKind;
  /** Number of candidates, the true one included. */
  k: number;
  contributorId: string;
  secret: string;
  /** Tried in order for each prompt, e.g. the dataset index, then the lexical fallback. */
  sources: readonly HardNegativeSource[];
  nowMs: number;
}

/** A caption as a task shows it. */
export interface TaskCaption {
  id: string;
  text: string;
}

/** A task as the client receives it (without the answer). */
export interface TaskView {
  id: string;
  kind: TaskKind;
  expires_at: string;
  model_version: string | null;
  prompt: { image: ImageView } | { caption: TaskCaption };
  candidates: ({ id: string; caption: TaskCaption } | { id: string; image: ImageView })[];
}

// One round trip: a random start between the smallest and largest pair id (SQLite's random() is enough here;
// what must be unpredictable is the candidate order, shuffled with the CSPRNG below), then the first served pair
// at or after it, wrapping to the first served pair when the start falls past the last one.
const PROMPT_COLUMNS = `i.id AS imageId, i.sha256, i.concept, i.category, c.id AS captionId, c.text AS captionText
  FROM pairs p JOIN images i ON i.id = p.image_id JOIN captions c ON c.id = p.caption_id
  WHERE p.status = 'approved' AND i.status = 'approved'`;
const PROMPT_PAIR = `
  SELECT * FROM (SELECT ${PROMPT_COLUMNS} AND p.id >= (
      SELECT low + abs(random() % (high - low + 1)) FROM (SELECT min(id) AS low, max(id) AS high FROM pairs))
    ORDER BY p.id LIMIT 1)
  UNION ALL
  SELECT * FROM (SELECT ${PROMPT_COLUMNS} ORDER BY p.id LIMIT 1)
  LIMIT 1`;

async function pickPromptPair(db: D1Database): Promise<PromptPair | null> {
  return db.prepare(PROMPT_PAIR).first<PromptPair>();
}

async function captionsById(db: D1Database, ids: number[]): Promise<Map<number, TaskCaption>> {
  const { results } = await db
    .prepare("SELECT id, text FROM captions WHERE id IN (SELECT value FROM json_each(?))")
    .bind(JSON.stringify(ids))
    .all<{ id: number; text: string }>();
  return new Map(results.map((row) => [row.id, { id: String(row.id), text: row.text }]));
}

async function imagesById(db: D1Database, ids: number[]): Promise<Map<number, ImageView>> {
  const { results } = await db
    .prepare(`SELECT i.id, ${IMAGE_COLUMNS} FROM images i WHERE i.id IN (SELECT value FROM json_each(?))`)
    .bind(JSON.stringify(ids))
    .all<ImageRow & { id: number }>();
  return new Map(results.map((row) => [row.id, imageView(row)]));
}

/** The negatives of the first source that finds `count` of them for `prompt`, and that source. */
async function propose(
  db: D1Database,
  sources: readonly HardNegativeSource[],
  prompt: PromptPair,
  forImage: boolean,
  count: number,
): Promise<{ negatives: number[]; source: HardNegativeSource } | null> {
  for (const source of sources) {
    const negatives = forImage
      ? await source.captionsFor(db, prompt, count)
      : await source.imagesFor(db, prompt, count);
    if (negatives.length >= count) return { negatives: negatives.slice(0, count), source };
  }
  return null;
}

/** Returns a signed task, or `null` when the approved data cannot supply k distinct candidates. */
export async function buildTask(db: D1Database, options: BuildTaskOptions) {
  const { kind, k, contributorId, secret, sources, nowMs } = options;
  // A prompt whose neighbourhood is too thin is retried with another random pair, a bounded number of times.
  for (let attempt = 0; attempt < 3; attempt++) {
    const prompt = await pickPromptPair(db);
    if (!prompt) return null;
    const forImage = kind === "caption-for-image";
    const proposal = await propose(db, sources, prompt, forImage, k - 1);
    if (!proposal) continue;
    const { negatives, source } = proposal;
    const order = shuffled([forImage ? prompt.captionId : prompt.imageId, ...negatives], secureRandom);
    const claims: TaskClaims = {
      v: 1,
      id: crypto.randomUUID(),
      kind,
      sub: contributorId,
      prompt: forImage ? prompt.sha256 : String(prompt.captionId),
      candidates: [],
      mv: source.modelVersion,
      exp: Math.floor(nowMs / 1000) + TASK_TTL_SECONDS,
    };
    let view: Pick<TaskView, "prompt" | "candidates">;
    if (forImage) {
      const [captions, images] = await Promise.all([
        captionsById(db, order),
        imagesById(db, [prompt.imageId]),
      ]);
      const candidates = order.map((id) => ({ id: String(id), caption: captions.get(id) as TaskCaption }));
      view = { prompt: { image: images.get(prompt.imageId) as ImageView }, candidates };
    } else {
      const images = await imagesById(db, order);
      const candidates = order.map((id) => ({
        id: images.get(id)?.sha256 ?? "",
        image: images.get(id) as ImageView,
      }));
      view = { prompt: { caption: { id: String(prompt.captionId), text: prompt.captionText } }, candidates };
    }
    claims.candidates = view.candidates.map((candidate) => candidate.id);
    const task: TaskView = {
      id: claims.id,
      kind,
      expires_at: new Date(claims.exp * 1000).toISOString(),
      model_version: claims.mv,
      ...view,
    };
    return { task, token: await signTask(claims, secret) };
  }
  return null;
}
