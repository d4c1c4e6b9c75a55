// Text → images and image → caption with the masked-token transformer (graph `maskgit`, card.maskgit), after
// training/models/maskgit.py `generate_codes` / `caption_ids`: start fully masked and, over a few steps, predict
// every masked position in one full-sequence pass, keep the most confident predictions and mask the rest again
// on the cosine schedule (masked-decoding.ts). Generation runs N candidates and their guidance twins in one
// batch per step (rows 0..N-1 conditional on the prompt's CLIP text embedding, row N+i the unconditional twin
// of row i: all-pad caption, zero condition), samples from candidate i's seeded stream i, shows the whole current
// estimate after every step, cancels between steps and reranks with CLIP as the autoregressive path does.
// Captioning decodes the caption positions, conditioned on the image's CLIP embedding: greedy by default, or
// sampled at a temperature from one seeded stream with Gumbel-annealed confidences.
import type { ModelCard } from "./bundle/card";
import type { MaskgitCard } from "./bundle/card-maskgit";
import { FIRST_TEXT_ID } from "./caption";
import { CancelledError, ModelOptionError, ModeUnavailableError } from "./errors";
import {
  collectCandidates,
  generateSettings,
  type GenerateOptions,
  type GenerateProgress,
  type GenerateSettings,
  type Generation,
  type GenerationEngine,
} from "./generate";
import { maskedPass, type RunnableSession } from "./graphs";
import { tensorDataToImage } from "./image";
import { gumbel, leastConfident, maskedAfterStep, noiseScale, sampleCode } from "./masked-decoding";
import { createRng, type Rng } from "./rng";
import { guideLogits, logProbability } from "./sampling";

/** What masked generation needs: the `maskgit` pass instead of the step graph, and the shared decode / CLIP. */
export interface MaskedEngine extends Omit<GenerationEngine, "step"> {
  readonly maskgit: RunnableSession;
}

/** The most decoding steps a generation or caption may ask for. */
export const MAX_MASKED_STEPS = 1024;

interface MaskedSettings extends GenerateSettings {
  steps: number;
  choiceTemperature: number;
}

/** card.maskgit, or the error a bundle without it deserves. */
export function maskgitOf(card: ModelCard): MaskgitCard {
  if (!card.maskgit) throw new ModeUnavailableError("masked", card.generator.modes);
  return card.maskgit;
}

/** `steps` (or `fallback`), checked. @throws ModelOptionError */
function checkedSteps(steps: number | undefined, fallback: number): number {
  const value = steps ?? fallback;
  if (!Number.isInteger(value) || value < 1 || value > MAX_MASKED_STEPS)
    throw new ModelOptionError("steps", value, `an integer in 1..${MAX_MASKED_STEPS}`);
  return value;
}

/** Resolves masked-mode defaults from card.maskgit.sampling and checks every option. @throws ModelOptionError */
export function maskedSettings(card: ModelCard, options: GenerateOptions): MaskedSettings {
  const { sampling } = maskgitOf(card);
  const settings = generateSettings(card, {
    ...options,
    guidance: options.guidance ?? sampling.cfgScale,
    topK: options.topK ?? sampling.topK,
    temperature: options.temperature ?? sampling.temperature,
  });
  const steps = checkedSteps(options.steps, sampling.steps);
  return { ...settings, steps, choiceTemperature: sampling.choiceTemperature };
}

/** Generates images for caption ids (`L` ids, pad-filled, no special tokens) with the masked transformer. */
export async function runMaskedGeneration(
  engine: MaskedEngine,
  caption: string,
  captionIds: Int32Array,
  options: GenerateOptions,
): Promise<Generation> {
  const s = maskedSettings(engine.card, options);
  const m = maskgitOf(engine.card);
  const clipText = m.cond || s.rerank ? await engine.embedCaption(captionIds) : undefined;
  const run = new MaskedRun(engine, m, s, options);
  const codes = await run.decode(captionIds, m.cond ? clipText : undefined);
  run.checkCancel();
  const report = (phase: "decode" | "rank"): void => run.report(phase, run.totalTokens);
  const candidates = await collectCandidates(engine, codes, s.count, s.rerank ? clipText : undefined, report);
  return { caption, seed: s.seed, candidates, steps: run.steps, mode: "masked" };
}

/** One masked generation: the batch layout, the candidates' streams and the codes decided so far (−1: masked). */
class MaskedRun {
  readonly totalTokens: number;
  steps = 0;
  private readonly batch: number;
  private readonly rngs: Rng[];
  private readonly codes: Int32Array;

  constructor(
    private readonly engine: MaskedEngine,
    private readonly m: MaskgitCard,
    private readonly s: MaskedSettings,
    private readonly options: GenerateOptions,
  ) {
    this.totalTokens = m.imageTokens;
    this.batch = s.guided ? 2 * s.count : s.count;
    this.rngs = Array.from({ length: s.count }, (_, i) => createRng(s.seed, i));
    this.codes = new Int32Array(s.count * m.imageTokens).fill(-1);
  }

  /** Runs every step; returns the final codes `[count × G²]`. */
  async decode(captionIds: Int32Array, clipText: Float32Array | undefined): Promise<Int32Array> {
    const { count } = this.s;
    const rows = this.rows(captionIds);
    let cond: Float32Array | undefined;
    if (clipText) {
      cond = new Float32Array(this.batch * clipText.length); // the unconditional twins get zeros
      for (let c = 0; c < count; c++) cond.set(clipText, c * clipText.length);
    }
    let filled = this.codes;
    for (let step = 0; step < this.s.steps; step++) {
      this.checkCancel();
      const { image } = await maskedPass(
        this.engine.maskgit,
        this.engine.card,
        this.tokens(rows),
        cond,
        this.batch,
      );
      this.steps++;
      filled = this.codes.slice();
      const keep = maskedAfterStep(this.m.imageTokens, step, this.s.steps);
      for (let c = 0; c < count; c++) this.decideCandidate(image, c, step, keep, filled);
      await this.preview(filled, this.m.imageTokens - keep);
    }
    return filled;
  }

  checkCancel(): void {
    if (this.options.signal?.aborted) throw new CancelledError("generate", this.steps);
  }

  report(phase: GenerateProgress["phase"], tokens: number, partial?: GenerateProgress["partial"]): void {
    const progress = {
      phase,
      step: this.steps,
      totalSteps: this.s.steps,
      tokens,
      totalTokens: this.totalTokens,
    };
    this.options.onProgress?.(partial ? { ...progress, partial } : progress);
  }

  /** The caption part of each row's sequence: the prompt for the conditional rows, all pad for their twins. */
  private rows(captionIds: Int32Array): Int32Array[] {
    const empty = new Int32Array(this.m.captionLen).fill(this.m.padId);
    return Array.from({ length: this.batch }, (_, row) => (row < this.s.count ? captionIds : empty));
  }

  /** `[batch × T]`: bot, the row's caption, then its candidate's decided codes or mask. */
  private tokens(rows: readonly Int32Array[]): Int32Array {
    const { blockSize: T, bot, captionStart, imageStart, imageTokens: n, imageOffset, maskId } = this.m;
    const tokens = new Int32Array(this.batch * T);
    rows.forEach((caption, row) => {
      const at = row * T;
      const candidate = row % this.s.count;
      tokens[at] = bot;
      tokens.set(caption.subarray(0, this.m.captionLen), at + captionStart);
      for (let p = 0; p < n; p++) {
        const code = this.codes[candidate * n + p] as number;
        tokens[at + imageStart + p] = code < 0 ? maskId : imageOffset + code;
      }
    });
    return tokens;
  }

  /**
   * Samples every masked position of candidate `c` (guided logits, temperature, top-k) from its stream, scores
   * each with its log-probability plus annealed Gumbel noise, writes the samples into `filled` and masks the
   * `keep` least confident of them again in `this.codes`.
   */
  private decideCandidate(
    image: Float32Array,
    c: number,
    step: number,
    keep: number,
    filled: Int32Array,
  ): void {
    const { imageTokens: n, codebookSize: K } = this.m;
    const { count, guided, guidance, temperature, topK } = this.s;
    const rng = this.rngs[c] as Rng;
    const noise = noiseScale(this.s.choiceTemperature, step, this.s.steps);
    const logits = (row: number, p: number): Float32Array =>
      image.subarray((row * n + p) * K, (row * n + p + 1) * K);
    const mixed = new Float32Array(K);
    const confidence = new Float64Array(n).fill(Infinity); // decided positions stay decided
    const masked: number[] = [];
    for (let p = 0; p < n; p++) {
      if ((this.codes[c * n + p] as number) >= 0) continue;
      masked.push(p);
      const row = guided ? guideLogits(logits(c, p), logits(count + c, p), guidance, mixed) : logits(c, p);
      const { code, logProb } = sampleCode(row, temperature, topK, rng);
      filled[c * n + p] = code;
      confidence[p] = logProb + noise * gumbel(rng);
    }
    for (const p of masked) this.codes[c * n + p] = filled[c * n + p] as number;
    for (const p of leastConfident(masked, confidence, keep)) this.codes[c * n + p] = -1;
  }

  /** Decodes the current estimate (every position filled) and reports the step with it. */
  private async preview(filled: Int32Array, decided: number): Promise<void> {
    if (this.options.previewEvery === 0) return this.report("image", decided);
    const { count } = this.s;
    const pixels = await this.engine.decode(filled, count);
    const partial = Array.from({ length: count }, (_, i) =>
      tensorDataToImage(pixels, this.engine.card.vq.res, i),
    );
    this.report("image", decided, partial);
  }
}

/**
 * The choice temperature of sampled masked captioning: the weight of the Gumbel noise on confidences at the first
 * step, annealed linearly to 0 (noiseScale). Fixed, not from the card, so that the Python side uses the same.
 */
export const CAPTION_CHOICE_TEMPERATURE = 2.0;

/** Options of masked captioning (a subset of CaptionOptions). */
export interface MaskedCaptionOptions {
  /** Text ids at or above this are never chosen (the model passes its tokenizer's size). */
  textIdLimit?: number;
  /** Decoding steps (default `card.maskgit.sampling.caption_steps`). */
  steps?: number;
  /** 0 (default): greedy. Above 0: each masked position samples from softmax(allowed logits / temperature). */
  temperature?: number;
  /** Seed of the one stream a sampled caption draws from (temperature > 0); default 0. */
  seed?: number;
  signal?: AbortSignal;
}

/**
 * Caption ids (before the first pad) for image codes `[G²]`. Each step decides every masked caption position
 * among the ids the model may choose (ordinary text ids and pad, which ends the caption), keeps the most
 * confident and masks the rest again (captionChoice says how: greedy, or sampled). `clipImage`: the image's CLIP
 * embedding (required when the graph is conditioned).
 */
export async function runMaskedCaption(
  session: RunnableSession,
  card: ModelCard,
  codes: Int32Array,
  clipImage: Float32Array | undefined,
  options: MaskedCaptionOptions = {},
): Promise<number[]> {
  const m = maskgitOf(card);
  if (codes.length !== m.imageTokens)
    throw new ModelOptionError("codes", `${codes.length} codes`, `${m.imageTokens} (G × G)`);
  if (m.cond && clipImage?.length !== m.cond.dim)
    throw new ModelOptionError("clipImage", clipImage?.length, `${m.cond.dim} values`);
  const steps = checkedSteps(options.steps, m.sampling.captionSteps);
  const limit = Math.min(m.textVocab, options.textIdLimit ?? m.textVocab);
  const L = m.captionLen;
  const choose = captionChoice(m.padId, limit, steps, options);
  const text = new Int32Array(L).fill(-1);
  const tokens = new Int32Array(m.blockSize);
  tokens[0] = m.bot;
  codes.forEach((code, p) => (tokens[m.imageStart + p] = m.imageOffset + code));
  for (let step = 0; step < steps; step++) {
    if (options.signal?.aborted) throw new CancelledError("caption", step);
    text.forEach((id, p) => (tokens[m.captionStart + p] = id < 0 ? m.maskId : id));
    const logits = (await maskedPass(session, card, tokens, clipImage, 1)).text;
    const confidence = new Float64Array(L);
    const masked: number[] = [];
    for (let p = 0; p < L; p++) {
      if ((text[p] as number) >= 0) continue;
      masked.push(p);
      const choice = choose(logits.subarray(p * m.textVocab, (p + 1) * m.textVocab), step);
      text[p] = choice.id;
      confidence[p] = choice.confidence;
    }
    for (const p of leastConfident(masked, confidence, maskedAfterStep(L, step, steps))) text[p] = -1;
  }
  const end = text.indexOf(m.padId);
  return Array.from(end < 0 ? text : text.subarray(0, end));
}

/** The most likely of pad and the ordinary text ids FIRST_TEXT_ID..limit-1 (ties: pad, then the lower id). */
function bestAllowed(row: Float32Array, padId: number, limit: number): number {
  let best = padId;
  for (let id = FIRST_TEXT_ID; id < limit; id++) if ((row[id] as number) > (row[best] as number)) best = id;
  return best;
}

/** Decides one masked caption position at step `step` from its logits row: the id and its confidence. */
type CaptionChoice = (row: Float32Array, step: number) => { id: number; confidence: number };

/**
 * The rule for one caption position. Temperature 0 (or below): the most likely allowed id, confidence its
 * log-probability over the whole row, no random draws. Temperature > 0 (the Python side, maskgit.py, uses the
 * same rule): gather the allowed logits (pad, then FIRST_TEXT_ID..limit−1, the ids bestAllowed considers), sample
 * one from softmax(logits / temperature) with one draw of the stream `createRng(seed)` (sampleCode), then one
 * Gumbel draw: confidence = the sample's log-probability under that tempered distribution +
 * noiseScale(CAPTION_CHOICE_TEMPERATURE, step, steps) · Gumbel. Positions are visited in position order.
 */
function captionChoice(
  padId: number,
  limit: number,
  steps: number,
  options: MaskedCaptionOptions,
): CaptionChoice {
  const { temperature = 0, seed = 0 } = options;
  if (!(temperature > 0))
    return (row) => {
      const id = bestAllowed(row, padId, limit);
      return { id, confidence: logProbability(row, id) };
    };
  const rng = createRng(seed);
  const allowed = [padId];
  for (let id = FIRST_TEXT_ID; id < limit; id++) if (id !== padId) allowed.push(id);
  const gathered = new Float32Array(allowed.length);
  return (row, step) => {
    allowed.forEach((id, i) => (gathered[i] = row[id] as number));
    const { code, logProb } = sampleCode(gathered, temperature, 0, rng);
    const noise = noiseScale(CAPTION_CHOICE_TEMPERATURE, step, steps);
    return { id: allowed[code] as number, confidence: logProb + noise * gumbel(rng) };
  };
}
