// Thin typed calls of the VQ, CLIP and masked-transformer graphs (docs/bundle-format.md §3), taking any session
// that can run, so the model and the benchmarks (which pass onnxruntime-node sessions) share one
// implementation, and the generation engines that tie them to the step graph or to the `maskgit` graph.
import { floatTensor, int64Tensor, readFloats, readInts, type Tensor } from "./backend";
import type { ModelCard } from "./bundle/card";
import { BundleFormatError } from "./errors";
import type { GenerationEngine } from "./generate";
import type { StepSession } from "./kv-stream";
import type { MaskedEngine } from "./masked";

/** Anything with `run(feeds)`: a ModelSession, or a native session in benchmarks. */
export type RunnableSession = StepSession;

/** The first output named `name`, or the only output. */
function output(out: Record<string, Tensor>, name: string): Tensor {
  const tensor = out[name] ?? Object.values(out)[0];
  if (!tensor) throw new RangeError(`the graph returned no ${name} output`);
  return tensor;
}

/** vq-decoder: codes `[count × G²]` → NCHW float32 `[count, 3, R, R]`. */
export async function decodeCodes(
  session: RunnableSession,
  card: ModelCard,
  codes: Int32Array,
  count: number,
): Promise<Float32Array> {
  const { grid } = card.vq;
  return readFloats(output(await session.run({ codes: int64Tensor(codes, [count, grid, grid]) }), "image"));
}

/** vq-encoder: NCHW float32 pixels → codes `[count × G²]`. */
export async function encodePixels(
  session: RunnableSession,
  card: ModelCard,
  pixels: Float32Array,
  count: number,
): Promise<Int32Array> {
  const { res } = card.vq;
  return readInts(output(await session.run({ image: floatTensor(pixels, [count, 3, res, res]) }), "codes"));
}

/** clip-text: `L` ids per row → unit embeddings. */
export async function embedIds(
  session: RunnableSession,
  card: ModelCard,
  ids: readonly Int32Array[],
): Promise<Float32Array[]> {
  const L = card.text.captionLen;
  const flat = new Int32Array(ids.length * L);
  ids.forEach((row, i) => flat.set(row, i * L));
  const out = await session.run({ ids: int64Tensor(flat, [ids.length, L]) });
  return rows(await readFloats(output(out, "embedding")), ids.length);
}

/** clip-image: NCHW float32 pixels → unit embeddings. */
export async function embedPixels(
  session: RunnableSession,
  card: ModelCard,
  pixels: Float32Array,
  count: number,
): Promise<Float32Array[]> {
  const { res } = card.vq;
  const out = await session.run({ image: floatTensor(pixels, [count, 3, res, res]) });
  return rows(await readFloats(output(out, "embedding")), count);
}

/** The `maskgit` graph's logits for one pass. */
export interface MaskedLogits {
  /** `[batch × G² × K]`: code logits at every image position. */
  readonly image: Float32Array;
  /** `[batch × L × V_text]`: text logits at every caption position. */
  readonly text: Float32Array;
}

/**
 * maskgit: one full-sequence pass. `tokens` `[batch × T]` (T = card.maskgit.block_size); `cond` `[batch × E]`
 * when the graph is conditioned (card.maskgit.cond), else ignored.
 */
export async function maskedPass(
  session: RunnableSession,
  card: ModelCard,
  tokens: ArrayLike<number>,
  cond: Float32Array | undefined,
  batch: number,
): Promise<MaskedLogits> {
  const m = card.maskgit;
  if (!m) throw new BundleFormatError("card.maskgit", undefined, "a JSON object for the maskgit graph");
  const feeds: Record<string, Tensor> = { tokens: int64Tensor(tokens, [batch, m.blockSize]) };
  if (m.cond)
    feeds[m.cond.input] = floatTensor(cond ?? new Float32Array(batch * m.cond.dim), [batch, m.cond.dim]);
  const out = await session.run(feeds);
  const [image, text] = [out["image_logits"], out["text_logits"]];
  if (!image || !text) {
    throw new BundleFormatError(
      "the maskgit graph's outputs",
      Object.keys(out),
      "image_logits and text_logits",
    );
  }
  return { image: await readFloats(image), text: await readFloats(text) };
}

/** The four graphs generation uses. */
export interface GenerationSessions {
  readonly step: RunnableSession;
  readonly decoder: RunnableSession;
  readonly clipText: RunnableSession;
  readonly clipImage: RunnableSession;
}

/** A generation engine over explicit sessions. */
export function createGenerationEngine(card: ModelCard, sessions: GenerationSessions): GenerationEngine {
  return { ...decodeAndScore(card, sessions), step: sessions.step };
}

/** What both generation modes share: decode codes, embed the caption, score images against it. */
function decodeAndScore(
  card: ModelCard,
  sessions: Omit<GenerationSessions, "step">,
): Omit<GenerationEngine, "step"> {
  return {
    card,
    decode: (codes, count) => decodeCodes(sessions.decoder, card, codes, count),
    embedCaption: async (ids) => (await embedIds(sessions.clipText, card, [ids]))[0] as Float32Array,
    score: async (pixels, count, text) => {
      const images = await embedPixels(sessions.clipImage, card, pixels, count);
      return Float32Array.from(images, (image) => dot(image, text));
    },
  };
}

/** The graphs masked generation uses: the `maskgit` pass instead of the step graph. */
export interface MaskedSessions extends Omit<GenerationSessions, "step"> {
  readonly maskgit: RunnableSession;
}

/** A masked generation engine over explicit sessions. */
export function createMaskedEngine(card: ModelCard, sessions: MaskedSessions): MaskedEngine {
  return { ...decodeAndScore(card, sessions), maskgit: sessions.maskgit };
}

/** Dot product (cosine for unit vectors). */
export function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] as number) * (b[i] as number);
  return sum;
}

function rows(data: Float32Array, count: number): Float32Array[] {
  const dim = data.length / count;
  return Array.from({ length: count }, (_, i) => data.slice(i * dim, (i + 1) * dim));
}
