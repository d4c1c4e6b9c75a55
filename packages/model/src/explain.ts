// Per-word explanations by occlusion (Zeiler & Fergus 2014, https://arxiv.org/abs/1311.2901, applied to a
// contrastive pair): which regions of an image each word of a caption leans on. The image is cut into a
// `grid` × `grid` patches; each patch in turn is painted white (the background every image is composited on).
// For a caption c and a word w, with s(t, x) the CLIP similarity of text t and image x, drop(t, p) =
// s(t, x) − s(t, x with patch p masked), and c∖w the caption without that word:
//
//   heat_w[p] = drop(w, p) − drop(c∖w, p)
//
// i.e. how much more the word on its own loses than the caption without it when patch p disappears. (We tried
// drop(c, p) − drop(c∖w, p) first: on models/default it put "apple" on the dog's half of an apple–dog image,
// since a 32-pixel CLIP's embedding of a two-word caption is far from additive; the word-versus-rest contrast
// put every word of four side-by-side pairs on its own half, at 4×4 and 8×8 patches: src/explain.test.ts.)
// Read a heatmap relatively (its mean shifts with the caption); cost: grid² + 1 image embeddings and
// 2 × words + 1 text embeddings.
import { ModelOptionError } from "./errors";
import { createImage, type RgbaImage } from "./image";

/** Options of {@link explainCaption}. */
export interface ExplainOptions {
  /** Patches per side (default 4: 8-pixel patches of a 32-pixel model image); 2–16. */
  readonly grid?: number;
}

/** One word's heatmap: `grid × grid` values, row-major, positive where the word leans on the patch. */
export interface WordHeat {
  readonly word: string;
  readonly heat: Float32Array;
}

/** The explanation of one image–caption pair. */
export interface Explanation {
  readonly grid: number;
  /** s(caption, image). */
  readonly score: number;
  readonly words: WordHeat[];
}

/** What the explanation needs of a model (Model, or anything that embeds). */
export interface Embedder {
  embedText(texts: readonly string[]): Promise<Float32Array[]>;
  embedImage(images: readonly RgbaImage[]): Promise<Float32Array[]>;
}

/** The caption's words as explained: whitespace-separated, in order (duplicates kept). */
export function captionWords(caption: string): string[] {
  return caption.split(/\s+/u).filter(Boolean);
}

/** Explains `caption` on `image` at the model's resolution `res`; see the file header. */
export async function explainCaption(
  model: Embedder,
  image: RgbaImage,
  caption: string,
  res: number,
  options: ExplainOptions = {},
): Promise<Explanation> {
  const grid = options.grid ?? 4;
  if (!Number.isInteger(grid) || grid < 2 || grid > 16)
    throw new ModelOptionError("grid", grid, "an integer 2–16");
  const words = captionWords(caption);
  if (words.length === 0) throw new ModelOptionError("caption", caption, "at least one word");
  const base = resample(image, res);
  const masked = Array.from({ length: grid * grid }, (_, p) => maskPatch(base, p, grid));
  const [original, ...occluded] = await model.embedImage([base, ...masked]);
  const without = words.map((_, w) => words.filter((__, i) => i !== w).join(" "));
  const texts = await model.embedText([words.join(" "), ...without, ...words]);
  const [full] = texts;
  const ablated = texts.slice(1, 1 + words.length);
  const alone = texts.slice(1 + words.length);
  const drops = (text: Float32Array) => {
    const whole = dot(text, original as Float32Array);
    return occluded.map((vector) => whole - dot(text, vector));
  };
  return {
    grid,
    score: dot(full as Float32Array, original as Float32Array),
    words: words.map((word, w) => {
      const ablatedDrops = drops(ablated[w] as Float32Array);
      const aloneDrops = drops(alone[w] as Float32Array);
      const heat = Float32Array.from(aloneDrops, (drop, p) => drop - (ablatedDrops[p] as number));
      return { word, heat };
    }),
  };
}

/** The image composited on white and area-resampled to `res` × `res`, as the CLIP encoder sees it. */
function resample(image: RgbaImage, res: number): RgbaImage {
  const out = createImage(res, res);
  for (let y = 0; y < res; y++) {
    const y0 = Math.floor((y * image.height) / res);
    const y1 = Math.max(y0 + 1, Math.floor(((y + 1) * image.height) / res));
    for (let x = 0; x < res; x++) {
      const x0 = Math.floor((x * image.width) / res);
      const x1 = Math.max(x0 + 1, Math.floor(((x + 1) * image.width) / res));
      const sum = [0, 0, 0];
      for (let sy = y0; sy < y1; sy++)
        for (let sx = x0; sx < x1; sx++) {
          const at = (sy * image.width + sx) * 4;
          const alpha = (image.data[at + 3] as number) / 255;
          for (let c = 0; c < 3; c++) sum[c]! += (image.data[at + c] as number) * alpha + 255 * (1 - alpha);
        }
      const n = (y1 - y0) * (x1 - x0);
      out.data.set([sum[0]! / n, sum[1]! / n, sum[2]! / n, 255], (y * res + x) * 4);
    }
  }
  return out;
}

function maskPatch(image: RgbaImage, patch: number, grid: number): RgbaImage {
  const out = createImage(image.width, image.height);
  out.data.set(image.data);
  const [px, py] = [patch % grid, Math.floor(patch / grid)];
  const [x0, x1] = [Math.floor((px * image.width) / grid), Math.floor(((px + 1) * image.width) / grid)];
  const [y0, y1] = [Math.floor((py * image.height) / grid), Math.floor(((py + 1) * image.height) / grid)];
  for (let y = y0; y < y1; y++) out.data.fill(255, (y * image.width + x0) * 4, (y * image.width + x1) * 4);
  return out;
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] as number) * (b[i] as number);
  return sum;
}
