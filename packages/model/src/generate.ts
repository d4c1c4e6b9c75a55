// Text → images (docs/bundle-format.md §6): N candidates with classifier-free guidance in ONE batched step per
// token (B = 2N: rows 0..N-1 conditional, row N+i the unconditional twin of row i), a static KV cache, seeded
// sampling, partial images while decoding, cancellation between steps, and CLIP reranking (best-of-N, as in
// DALL-E). The caption prefix is the same for every candidate, so it runs once at B = 2 (caption, empty
// caption) and its cache is fanned out to all rows: the same maths, (L + 2) × (B − 2) fewer row-steps.
import type { ModelCard } from "./bundle/card";
import { CancelledError, ModelOptionError } from "./errors";
import { tensorDataToImage, type RgbaImage } from "./image";
import { KvStream, type StepSession } from "./kv-stream";
import { createRng, type Rng } from "./rng";
import { guideLogits, sampleLogits } from "./sampling";

/** Options of `model.generate`. */
export interface GenerateOptions {
  /** Candidates to generate (default 4, at most 64). */
  count?: number;
  /** Classifier-free guidance scale (default the card's `cfg_scale`); 1 turns guidance off (B = count). */
  guidance?: number;
  /** Top-k over image codes (default the card's `top_k`; 0 keeps all). */
  topK?: number;
  /** Top-p (nucleus) over image codes (default 1: off). */
  topP?: number;
  /** Sampling temperature (default the card's; 0 is greedy). */
  temperature?: number;
  /** Seed (a safe integer; default random). Candidate i always uses stream i of the seed. */
  seed?: number;
  /** Rank candidates by CLIP similarity to the caption (default true). */
  rerank?: boolean;
  /** Cancels between steps with a CancelledError. */
  signal?: AbortSignal;
  /** Progress after every step; carries partial images when a preview was decoded. */
  onProgress?: (progress: GenerateProgress) => void;
  /** Decode a preview every this many image tokens (default: one code row, `card.vq.grid`; 0: never). */
  previewEvery?: number;
  /** …but at most one preview per this many milliseconds (default 100). */
  previewIntervalMs?: number;
}

/** Where a generation is. */
export interface GenerateProgress {
  readonly phase: "prefix" | "image" | "decode" | "rank";
  /** Step-graph calls made so far, and how many the generation makes in all. */
  readonly step: number;
  readonly totalSteps: number;
  /** Image codes sampled per candidate so far, of `totalTokens` (G²). */
  readonly tokens: number;
  readonly totalTokens: number;
  /** Partial images (candidate order), rows not yet sampled transparent; only on preview steps. */
  readonly partial?: readonly RgbaImage[];
}

/** One generated image. */
export interface Candidate {
  /** Its index in generation order (the seed stream it used). */
  readonly index: number;
  /** The model-resolution image (R × R, opaque). */
  readonly image: RgbaImage;
  /** The G × G image codes, raster order. */
  readonly codes: Int32Array;
  /** CLIP cosine similarity to the caption (undefined when reranking is off). */
  readonly score: number | undefined;
}

/** The result of a generation. */
export interface Generation {
  readonly caption: string;
  readonly seed: number;
  /** Best first when reranked, else in generation order. */
  readonly candidates: readonly Candidate[];
  /** Step-graph calls made. */
  readonly steps: number;
}

/** What generation needs from a model (sessions are injected so benchmarks can pass native ones). */
export interface GenerationEngine {
  readonly card: ModelCard;
  readonly step: StepSession;
  /** codes `[count × G²]` → images NCHW float32 `[count, 3, R, R]`. */
  decode(codes: Int32Array, count: number): Promise<Float32Array>;
  /** Cosine similarity of each image (NCHW float32) to the caption ids. */
  score(images: Float32Array, count: number, captionIds: Int32Array): Promise<Float32Array>;
}

interface Settings {
  count: number;
  guidance: number;
  guided: boolean;
  topK: number;
  topP: number;
  temperature: number;
  seed: number;
  rerank: boolean;
  previewEvery: number;
  previewIntervalMs: number;
}

/** Resolves defaults from the card and checks every option. @throws ModelOptionError. */
export function generateSettings(card: ModelCard, options: GenerateOptions): Settings {
  const count = options.count ?? 4;
  const guidance = options.guidance ?? card.sampling.cfgScale;
  const topK = options.topK ?? card.sampling.topK;
  const topP = options.topP ?? 1;
  const temperature = options.temperature ?? card.sampling.temperature;
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 32);
  const previewEvery = options.previewEvery ?? card.vq.grid;
  if (!Number.isInteger(count) || count < 1 || count > 64)
    throw new ModelOptionError("count", count, "1..64");
  if (!Number.isFinite(guidance) || guidance < 0)
    throw new ModelOptionError("guidance", guidance, "a number ≥ 0");
  if (!Number.isInteger(topK) || topK < 0) throw new ModelOptionError("topK", topK, "an integer ≥ 0");
  if (!(topP > 0 && topP <= 1)) throw new ModelOptionError("topP", topP, "a number in (0, 1]");
  if (!(temperature >= 0)) throw new ModelOptionError("temperature", temperature, "a number ≥ 0");
  if (!Number.isSafeInteger(seed)) throw new ModelOptionError("seed", seed, "a safe integer");
  if (!Number.isInteger(previewEvery) || previewEvery < 0) {
    throw new ModelOptionError("previewEvery", previewEvery, "an integer ≥ 0");
  }
  return {
    count,
    guidance,
    guided: guidance !== 1,
    topK,
    topP,
    temperature,
    seed,
    rerank: options.rerank ?? true,
    previewEvery,
    previewIntervalMs: options.previewIntervalMs ?? 100,
  };
}

/** Generates images for caption ids (`L` ids, pad-filled, no special tokens). */
export async function runGeneration(
  engine: GenerationEngine,
  caption: string,
  captionIds: Int32Array,
  options: GenerateOptions,
): Promise<Generation> {
  const s = generateSettings(engine.card, options);
  const { card } = engine;
  const G2 = card.vq.grid * card.vq.grid;
  const L = card.text.captionLen;
  const totalSteps = L + 2 + G2 - 1;
  const rngs: Rng[] = Array.from({ length: s.count }, (_, i) => createRng(s.seed, i));
  const codes = new Int32Array(s.count * G2);
  const stream = new KvStream(engine.step, card, s.guided ? 2 : 1);
  const report = (phase: GenerateProgress["phase"], tokens: number, partial?: RgbaImage[]): void =>
    options.onProgress?.({
      phase,
      step: stream.steps,
      totalSteps,
      tokens,
      totalTokens: G2,
      ...(partial && { partial }),
    });
  const checkCancel = (): void => {
    if (options.signal?.aborted) throw new CancelledError("generate", stream.steps);
  };
  try {
    // 1. The prefix [<|bot|>, caption ids, <|boi|>] for the caption row and (guided) the empty-caption row.
    let logits: Float32Array = new Float32Array(0);
    for (let pos = 0; pos < L + 2; pos++) {
      checkCancel();
      const token = (ids: Int32Array | undefined): number =>
        pos === 0
          ? card.gpt.bot
          : pos === L + 1
            ? card.gpt.boi
            : ids
              ? (ids[pos - 1] as number)
              : card.text.padId;
      logits = await stream.step(s.guided ? [token(captionIds), token(undefined)] : [token(captionIds)]);
      report("prefix", 0);
    }
    // 2. Fan out: candidate rows copy the caption row; unconditional twins copy the empty-caption row.
    const prefixRows = Array.from({ length: s.count }, () => 0);
    await stream.gather(s.guided ? [...prefixRows, ...prefixRows.map(() => 1)] : prefixRows);
    const fanned = (row: number): number => (s.guided && row >= s.count ? 1 : 0);
    let rowOf = fanned;
    let lastPreview = -Infinity;
    for (let i = 0; i < G2; i++) {
      sampleRow(engine, s, logits, rowOf, rngs, codes, i);
      rowOf = (row) => row;
      if (i === G2 - 1) break;
      await maybePreview(
        engine,
        s,
        codes,
        i + 1,
        () => {
          const now = Date.now();
          if (now - lastPreview < s.previewIntervalMs) return false;
          lastPreview = now;
          return true;
        },
        (partial) => report("image", i + 1, partial),
      );
      checkCancel();
      const fed = Array.from(
        { length: stream.batch },
        (_, row) => card.gpt.imageOffset + (codes[(row % s.count) * G2 + i] as number),
      );
      logits = await stream.step(fed);
      report("image", i + 1);
    }
  } finally {
    stream.dispose();
  }
  checkCancel();
  report("decode", G2);
  const pixels = await engine.decode(codes, s.count);
  let scores: Float32Array | undefined;
  if (s.rerank) {
    report("rank", G2);
    scores = await engine.score(pixels, s.count, captionIds);
  }
  const candidates: Candidate[] = Array.from({ length: s.count }, (_, index) => ({
    index,
    image: tensorDataToImage(pixels, card.vq.res, index),
    codes: codes.slice(index * G2, (index + 1) * G2),
    score: scores?.[index],
  }));
  if (scores) candidates.sort((a, b) => (b.score as number) - (a.score as number) || a.index - b.index);
  return { caption, seed: s.seed, candidates, steps: stream.steps };
}

/** Samples code `i` of every candidate from the logits (guided: mixed with the twin row's). */
function sampleRow(
  engine: GenerationEngine,
  s: Settings,
  logits: Float32Array,
  rowOf: (row: number) => number,
  rngs: readonly Rng[],
  codes: Int32Array,
  i: number,
): void {
  const { imageOffset, vocabSize } = engine.card.gpt;
  const K = engine.card.vq.codebookSize;
  const G2 = engine.card.vq.grid ** 2;
  const slice = (row: number): Float32Array => {
    const start = rowOf(row) * vocabSize + imageOffset;
    return logits.subarray(start, start + K);
  };
  const mixed = new Float32Array(K);
  for (let c = 0; c < s.count; c++) {
    const row = s.guided ? guideLogits(slice(c), slice(s.count + c), s.guidance, mixed) : slice(c);
    codes[c * G2 + i] = sampleLogits(row, s, rngs[c] as Rng);
  }
}

/** Decodes the codes sampled so far into partial images when a preview is due. */
async function maybePreview(
  engine: GenerationEngine,
  s: Settings,
  codes: Int32Array,
  tokens: number,
  due: () => boolean,
  deliver: (partial: RgbaImage[]) => void,
): Promise<void> {
  if (s.previewEvery === 0 || tokens % s.previewEvery !== 0 || !due()) return;
  const { res, grid } = engine.card.vq;
  const pixels = await engine.decode(codes, s.count);
  const visibleRows = Math.floor(tokens / grid) * (res / grid);
  const partial = Array.from({ length: s.count }, (_, index) => {
    const image = tensorDataToImage(pixels, res, index);
    for (let p = visibleRows * res * 4 + 3; p < image.data.length; p += 4) image.data[p] = 0;
    return image;
  });
  deliver(partial);
}
