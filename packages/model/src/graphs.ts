// Thin typed calls of the VQ and CLIP graphs (docs/bundle-format.md §3), taking any session that can run, so
// the model and the benchmarks (which pass onnxruntime-node sessions) share one implementation, and the
// generation engine that ties them to the step graph.
import { floatTensor, int64Tensor, readFloats, readInts, type Tensor } from "./backend";
import type { ModelCard } from "./bundle/card";
import type { GenerationEngine } from "./generate";
import type { StepSession } from "./kv-stream";

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

/** The four graphs generation uses. */
export interface GenerationSessions {
  readonly step: RunnableSession;
  readonly decoder: RunnableSession;
  readonly clipText: RunnableSession;
  readonly clipImage: RunnableSession;
}

/** A generation engine over explicit sessions. */
export function createGenerationEngine(card: ModelCard, sessions: GenerationSessions): GenerationEngine {
  return {
    card,
    step: sessions.step,
    decode: (codes, count) => decodeCodes(sessions.decoder, card, codes, count),
    embedCaption: async (ids) => (await embedIds(sessions.clipText, card, [ids]))[0] as Float32Array,
    score: async (pixels, count, text) => {
      const images = await embedPixels(sessions.clipImage, card, pixels, count);
      return Float32Array.from(images, (image) => dot(image, text));
    },
  };
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
