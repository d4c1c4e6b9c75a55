// Text → images (docs/bundle-format.md §6): N candidates with classifier-free guidance in ONE batched step per
// token (B = 2N: rows 0..N-1 conditional, row N+i the unconditional twin of row i), a static KV cache, seeded
// sampling, partial images while decoding, cancellation between steps, and CLIP reranking (best-of-N, as in
// DALL-E). The caption prefix is the same for every candidate, so it runs once at B = 2 (caption, empty
// caption) and its cache is fanned out to all rows: the same maths, (L + 2) × (B − 2) fewer row-steps.
// A format-3 bundle also conditions the GPT on the caption's CLIP text embedding (the common latent space):
// it is computed once, fed to the caption row at position 0 (the empty-caption row gets zeros), and reused
// for reranking.
import type { ModelCard } from "./bundle/card";
import type { GenerationMode } from "./bundle/card-maskgit";
import { CancelledError, ModelOptionError } from "./errors";
import { tensorDataToImage, type RgbaImage } from "./image";
import { KvStream, type StepSession } from "./kv-stream";
import { createRng, type Rng } from "./rng";
import { guideLogits, sampleLogits } from "./sampling";

/** Options of `model.generate`. */
export interface GenerateOptions {
  /**
   * `"autoregressive"`: the GPT, one code per step; `"masked"`: the masked transformer, every code in a few
   * parallel steps (bundles with a `maskgit` graph). Default `model.defaultMode`.
   */
  mode?: GenerationMode;
  /** Masked mode: decoding steps (default `card.maskgit.sampling.steps`). The autoregressive mode ignores it. */
  steps?: number;
  /** Candidates to generate (default 4, at most 64). */
  count?: number;
  /**
   * Classifier-free guidance scale (default the card's `cfg_scale`, of `card.maskgit.sampling` in masked mode);
   * 1 turns guidance off (B = count).
   */
  guidance?: number;
  /** Top-k over image codes (default the card's `top_k`; 0 keeps all). */
  topK?: number;
  /** Top-p (nucleus) over image codes (default 1: off). Autoregressive mode only. */
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
  /**
   * Decode a preview every this many image tokens (default: one code row, `card.vq.grid`; 0: never). Masked
   * mode previews the whole image after every step unless this is 0.
   */
  previewEvery?: number;
  /** …but at most one preview per this many milliseconds (default 100; autoregressive mode only). */
  previewIntervalMs?: number;
}

/** Where a generation is. */
export interface GenerateProgress {
  readonly phase: "prefix" | "image" | "decode" | "rank";
  /** Graph calls made so far (step graph, or masked passes), and how many the generation makes in all. */
  readonly step: number;
  readonly totalSteps: number;
  /** Image codes sampled (masked mode: decided) per candidate so far, of `totalTokens` (G²). */
  readonly tokens: number;
  readonly totalTokens: number;
  /**
   * Partial images (candidate order); only on preview steps. Autoregressive: rows not yet sampled transparent;
   * masked: every position filled with the current estimate.
   */
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
  /** Graph calls made (step graph, or masked passes). */
  readonly steps: number;
  /** How the images were decoded. */
  readonly mode: GenerationMode;
}

/** What generation needs from a model (sessions are injected so benchmarks can pass native ones). */
export interface GenerationEngine {
  readonly card: ModelCard;
  readonly step: StepSession;
  /** codes `[count × G²]` → images NCHW float32 `[count, 3, R, R]`. */
  decode(codes: Int32Array, count: number): Promise<Float32Array>;
  /** The caption's CLIP text embedding (unit vector, `card.clip.embed_dim`). */
  embedCaption(captionIds: Int32Array): Promise<Float32Array>;
  /** Cosine similarity of each image (NCHW float32) to a CLIP text embedding. */
  score(images: Float32Array, count: number, text: Float32Array): Promise<Float32Array>;
}

export interface GenerateSettings {
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
export function generateSettings(card: ModelCard, options: GenerateOptions): GenerateSettings {
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
  const settings = generateSettings(engine.card, options);
  const run = new GenerationRun(engine, settings, options);
  let text: Float32Array | undefined;
  try {
    if (engine.card.gpt.cond || settings.rerank) text = await engine.embedCaption(captionIds);
    await run.imageTokens(await run.prefix(captionIds, text));
  } finally {
    run.dispose(); // frees the KV cache before decoding and ranking
  }
  return run.finish(caption, text);
}

/** The state of one generation: the batched stream, the per-candidate RNG streams and the codes so far. */
class GenerationRun {
  private readonly G2: number;
  private readonly totalSteps: number;
  private readonly stream: KvStream;
  private readonly rngs: Rng[];
  private readonly codes: Int32Array;
  private lastPreview = -Infinity;

  constructor(
    private readonly engine: GenerationEngine,
    private readonly s: GenerateSettings,
    private readonly options: GenerateOptions,
  ) {
    const { card } = engine;
    this.G2 = card.vq.grid ** 2;
    this.totalSteps = card.text.captionLen + 2 + this.G2 - 1;
    this.stream = new KvStream(engine.step, card, s.guided ? 2 : 1);
    this.rngs = Array.from({ length: s.count }, (_, i) => createRng(s.seed, i));
    this.codes = new Int32Array(s.count * this.G2);
  }

  /**
   * Runs [<|bot|>, caption ids, <|boi|>] for the caption row and (guided) the empty-caption row, then fans the
   * cache out: candidate rows copy the caption row, their unconditional twins the empty-caption row.
   * A format-3 model gets the caption's CLIP embedding `clipText` at position 0 (the empty caption: zeros).
   * Returns the logits of the last prefix step (batch 2 or 1).
   */
  async prefix(captionIds: Int32Array, clipText?: Float32Array): Promise<Float32Array> {
    const { gpt, text } = this.engine.card;
    const L = text.captionLen;
    let cond: Float32Array | undefined;
    if (gpt.cond) {
      if (clipText?.length !== gpt.cond.dim)
        throw new ModelOptionError("clipText", clipText?.length, `${gpt.cond.dim} values`);
      cond = new Float32Array(this.stream.batch * gpt.cond.dim);
      cond.set(clipText); // row 0: the caption; row 1 (guided): the empty caption, no condition
    }
    let logits: Float32Array = new Float32Array(0);
    for (let pos = 0; pos < L + 2; pos++) {
      this.checkCancel();
      const inner = (ids: Int32Array | undefined): number => (ids ? (ids[pos - 1] as number) : text.padId);
      const token = (ids: Int32Array | undefined): number =>
        pos === 0 ? gpt.bot : pos === L + 1 ? gpt.boi : inner(ids);
      logits = await this.stream.step(
        this.s.guided ? [token(captionIds), token(undefined)] : [token(captionIds)],
        pos === 0 ? cond : undefined,
      );
      this.report("prefix", 0);
    }
    const rows = Array.from({ length: this.s.count }, () => 0);
    await this.stream.gather(this.s.guided ? [...rows, ...rows.map(() => 1)] : rows);
    return logits;
  }

  /** Samples the G² codes of every candidate, one batched step per token, with previews on the way. */
  async imageTokens(prefixLogits: Float32Array): Promise<void> {
    const { count, guided } = this.s;
    let logits = prefixLogits;
    // The prefix logits have one row per prefix (caption, empty caption); later logits one per batch row.
    let rowOf = (row: number): number => (guided && row >= count ? 1 : 0);
    for (let i = 0; i < this.G2; i++) {
      sampleRow(this.engine, this.s, logits, rowOf, this.rngs, this.codes, i);
      rowOf = (row) => row;
      if (i === this.G2 - 1) break;
      await this.preview(i + 1);
      this.checkCancel();
      const { imageOffset } = this.engine.card.gpt;
      const fed = Array.from(
        { length: this.stream.batch },
        (_, row) => imageOffset + (this.codes[(row % count) * this.G2 + i] as number),
      );
      logits = await this.stream.step(fed);
      this.report("image", i + 1);
    }
  }

  /** Decodes, optionally reranks with CLIP, and returns the candidates (best first when reranked). */
  async finish(caption: string, clipText: Float32Array | undefined): Promise<Generation> {
    const { count, rerank, seed } = this.s;
    this.checkCancel();
    const candidates = await collectCandidates(
      this.engine,
      this.codes,
      count,
      rerank ? clipText : undefined,
      (p) => this.report(p, this.G2),
    );
    return { caption, seed, candidates, steps: this.stream.steps, mode: "autoregressive" };
  }

  dispose(): void {
    this.stream.dispose();
  }

  private checkCancel(): void {
    if (this.options.signal?.aborted) throw new CancelledError("generate", this.stream.steps);
  }

  private report(phase: GenerateProgress["phase"], tokens: number, partial?: RgbaImage[]): void {
    const { steps } = this.stream;
    const progress = { phase, step: steps, totalSteps: this.totalSteps, tokens, totalTokens: this.G2 };
    this.options.onProgress?.(partial ? { ...progress, partial } : progress);
  }

  /** Decodes the codes sampled so far when a preview is due; rows not yet sampled are transparent. */
  private async preview(tokens: number): Promise<void> {
    const { previewEvery, previewIntervalMs, count } = this.s;
    if (previewEvery === 0 || tokens % previewEvery !== 0) return;
    if (Date.now() - this.lastPreview < previewIntervalMs) return;
    this.lastPreview = Date.now();
    const { res, grid } = this.engine.card.vq;
    const pixels = await this.engine.decode(this.codes, count);
    const visibleRows = Math.floor(tokens / grid) * (res / grid);
    const partial = Array.from({ length: count }, (_, index) => {
      const image = tensorDataToImage(pixels, res, index);
      for (let p = visibleRows * res * 4 + 3; p < image.data.length; p += 4) image.data[p] = 0;
      return image;
    });
    this.report("image", tokens, partial);
  }
}

/**
 * Decodes `count` candidates' codes `[count × G²]` and, given the caption's CLIP embedding, scores and sorts them
 * (best first, ties in generation order). `onPhase` hears "decode", then "rank" when scoring.
 */
export async function collectCandidates(
  engine: Pick<GenerationEngine, "card" | "decode" | "score">,
  codes: Int32Array,
  count: number,
  rankBy: Float32Array | undefined,
  onPhase: (phase: "decode" | "rank") => void,
): Promise<Candidate[]> {
  const G2 = engine.card.vq.grid ** 2;
  onPhase("decode");
  const pixels = await engine.decode(codes, count);
  let scores: Float32Array | undefined;
  if (rankBy) {
    onPhase("rank");
    scores = await engine.score(pixels, count, rankBy);
  }
  const candidates: Candidate[] = Array.from({ length: count }, (_, index) => ({
    index,
    image: tensorDataToImage(pixels, engine.card.vq.res, index),
    codes: codes.slice(index * G2, (index + 1) * G2),
    score: scores?.[index],
  }));
  if (scores) candidates.sort((a, b) => (b.score as number) - (a.score as number) || a.index - b.index);
  return candidates;
}

/** Samples code `i` of every candidate from the logits (guided: mixed with the twin row's). */
function sampleRow(
  engine: GenerationEngine,
  s: GenerateSettings,
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
