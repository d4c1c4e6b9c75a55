// A loaded model: the bundle's tokenizer, card and (lazily created) sessions behind one typed API —
// generate, caption, embedText / embedImage, rank, encode / decode. When WebGPU fails mid-operation the
// backend falls back to wasm and the operation runs again there once, so callers see a result, and the
// `backend` event tells the page why the badge changed.
import { Tokenizer } from "@commonspace/tokenizer";
import { getBackend, onBackendChange, type BackendInfo } from "./backend";
import type { ModelBundle } from "./bundle/bundle";
import type { ModelCard } from "./bundle/card";
import type { GenerationMode } from "./bundle/card-maskgit";
import { captionText, runCaption, runCaptions, type CaptionOptions } from "./caption";
import { bestCaption, candidateOptions, captionCandidateCount } from "./caption-candidates";
import { BackendError, BundleFormatError, CancelledError, ModelOptionError } from "./errors";
import { Emitter } from "./events";
import { runGeneration, type GenerateOptions, type Generation, type GenerationEngine } from "./generate";
import {
  createGenerationEngine,
  createMaskedEngine,
  decodeCodes,
  embedIds,
  embedPixels,
  encodePixels,
} from "./graphs";
import { imageToTensorData, tensorDataToImage, type RgbaImage } from "./image";
import { runMaskedCaption, runMaskedGeneration, type MaskedEngine } from "./masked";
import { modesOf, resolveMode } from "./modes";
import { rankScores, type Ranked } from "./rank";
import { Sessions } from "./sessions";

/** Events of a {@link Model}. */
export interface ModelEvents {
  /** The backend changed (a fallback from WebGPU to wasm), with the reason. */
  backend: BackendInfo;
}

/** The most rows one CLIP / VQ call takes; longer lists are split. */
const MAX_BATCH = 64;

/** A model ready to run. Create with `createModel(bundle)` or `loadModel(...)`. */
export class Model extends Emitter<ModelEvents> {
  readonly card: ModelCard;
  readonly tokenizer: Tokenizer;
  /** The decoding modes this bundle runs: always "autoregressive"; "masked" when it has a `maskgit` graph. */
  readonly modes: readonly GenerationMode[];
  /** The mode `generate` and `caption` use when asked for none (card.generator.default_mode, if available). */
  readonly defaultMode: GenerationMode;
  private readonly sessions: Sessions;
  private readonly unsubscribe: () => void;
  private queue: Promise<unknown> = Promise.resolve();

  /** @throws BundleFormatError when the tokenizer does not fit the card. */
  constructor(readonly bundle: ModelBundle) {
    super();
    this.card = bundle.card;
    const tokenizerFile = bundle.files.get("tokenizer");
    if (!tokenizerFile)
      throw new BundleFormatError("the bundle's tokenizer file", "missing", "tokenizer.json");
    this.tokenizer = Tokenizer.fromJson(new TextDecoder().decode(tokenizerFile.bytes));
    if (this.tokenizer.vocabSize > this.card.gpt.textVocab) {
      const expected = `at most card.gpt.text_vocab = ${this.card.gpt.textVocab} ids`;
      throw new BundleFormatError("tokenizer.json vocabulary", `${this.tokenizer.vocabSize} ids`, expected);
    }
    const modes = modesOf(bundle);
    this.modes = modes.modes;
    this.defaultMode = modes.defaultMode;
    this.sessions = new Sessions(bundle);
    this.unsubscribe = onBackendChange((info) => this.emit("backend", info));
  }

  /** The backend sessions run on now, and why. */
  backend(): Promise<BackendInfo> {
    return getBackend();
  }

  /** Caption → `L` ids as the models take them (no special tokens, pad-filled). */
  captionIds(caption: string): Int32Array {
    return this.tokenizer.encodeFixed(caption, this.card.text.captionLen, { addSpecialTokens: false }).ids;
  }

  /**
   * Generates `count` images for `caption`, best CLIP score first, in `options.mode` (default
   * {@link defaultMode}). @throws ModeUnavailableError for a mode the bundle does not have.
   * @example
   * const { candidates } = await model.generate("red apple", { count: 8, seed: 1 });
   * ctx.putImageData(new ImageData(candidates[0].image.data, 32, 32), 0, 0);
   */
  generate(caption: string, options: GenerateOptions = {}): Promise<Generation> {
    return this.run(async () => {
      const ids = this.captionIds(caption);
      if (resolveMode(this, options.mode) === "masked")
        return runMaskedGeneration(await this.maskedEngine(), caption, ids, options);
      return runGeneration(await this.engine(), caption, ids, options);
    });
  }

  /**
   * A caption for `image`: the GPT's reverse (image → text) stream, or (mode "masked") masked decoding
   * conditioned on the image's CLIP embedding; greedy unless a temperature is given. With `candidates: N > 1`,
   * the best of the greedy caption and N − 1 sampled ones by CLIP similarity to the image.
   * @throws ModeUnavailableError for a mode the bundle does not have; ModelOptionError for a bad `candidates`.
   * @example
   * const text = await model.caption(image, { candidates: 8 }); // best of 8 by CLIP
   */
  caption(image: RgbaImage, options: CaptionOptions = {}): Promise<string> {
    return this.run(async () => {
      const count = captionCandidateCount(options);
      const mode = resolveMode(this, options.mode);
      const [codes] = await this.encodeNow([image]);
      const conditioned = mode === "masked" && this.card.maskgit?.cond !== undefined;
      const clip = count > 1 || conditioned ? (await this.embedImageNow([image]))[0] : undefined;
      const once = (o: CaptionOptions): Promise<string> =>
        this.captionNow(mode, codes as Int32Array, conditioned ? clip : undefined, o);
      if (count === 1) return once(options);
      const rows = Array.from({ length: count }, (_, i) => candidateOptions(options, i));
      const texts: string[] = [];
      if (mode === "autoregressive") {
        // One batch: the image prefix runs once for all candidates (caption.ts runCaptions).
        texts.push(...(await this.captionsNow(codes as Int32Array, rows)));
      } else {
        for (const o of rows) {
          if (options.signal?.aborted) throw new CancelledError("caption");
          texts.push(await once(o));
        }
      }
      if (options.signal?.aborted) throw new CancelledError("caption");
      const embed = (t: readonly string[]): Promise<Float32Array[]> => this.embedTextNow(t);
      return bestCaption(texts, clip as Float32Array, embed, this.card.clip.logitScale);
    });
  }

  /** Unit CLIP embeddings of captions (one `Float32Array` of `card.clip.embedDim` each). */
  embedText(texts: readonly string[]): Promise<Float32Array[]> {
    return this.run(() => this.embedTextNow(texts));
  }

  /** Unit CLIP embeddings of images (any size: composited on white and resampled to the model size). */
  embedImage(images: readonly RgbaImage[]): Promise<Float32Array[]> {
    return this.run(() => this.embedImageNow(images));
  }

  /** Ranks captions for an image, or images for a caption, by CLIP similarity (best first). */
  rank(image: RgbaImage, captions: readonly string[]): Promise<Ranked<string>[]>;
  rank(caption: string, images: readonly RgbaImage[]): Promise<Ranked<RgbaImage>[]>;
  async rank(
    query: RgbaImage | string,
    items: readonly (string | RgbaImage)[],
  ): Promise<Ranked<string | RgbaImage>[]> {
    const queryImage = typeof query !== "string";
    if (items.some((item) => (typeof item === "string") !== queryImage)) {
      const expected = queryImage ? "captions for an image" : "images for a caption";
      throw new ModelOptionError("rank items", "a mix", expected);
    }
    return this.run(async () => {
      const [q] = queryImage ? await this.embedImageNow([query]) : await this.embedTextNow([query]);
      const vectors = queryImage
        ? await this.embedTextNow(items as readonly string[])
        : await this.embedImageNow(items as readonly RgbaImage[]);
      return rankScores(q as Float32Array, vectors, items, this.card.clip.logitScale);
    });
  }

  /** Image → its G × G VQ codes (raster order). */
  encodeImages(images: readonly RgbaImage[]): Promise<Int32Array[]> {
    return this.run(() => this.encodeNow(images));
  }

  /** VQ codes (G² each) → images. */
  decodeCodes(codes: readonly Int32Array[]): Promise<RgbaImage[]> {
    return this.run(() =>
      this.batched(codes, async (chunk) => {
        const flat = new Int32Array(chunk.length * this.card.vq.grid ** 2);
        chunk.forEach((c, i) => flat.set(c, i * c.length));
        const pixels = await decodeCodes(
          await this.sessions.get("vq-decoder"),
          this.card,
          flat,
          chunk.length,
        );
        return chunk.map((_, i) => tensorDataToImage(pixels, this.card.vq.res, i));
      }),
    );
  }

  /** Releases sessions and listeners. */
  async dispose(): Promise<void> {
    this.unsubscribe();
    await this.sessions.release();
  }

  private async engine(): Promise<GenerationEngine> {
    return createGenerationEngine(this.card, {
      step: await this.sessions.get("gpt-step"),
      decoder: await this.sessions.get("vq-decoder"),
      clipText: await this.sessions.get("clip-text"),
      clipImage: await this.sessions.get("clip-image"),
    });
  }

  private async maskedEngine(): Promise<MaskedEngine> {
    return createMaskedEngine(this.card, {
      maskgit: await this.sessions.get("maskgit"),
      decoder: await this.sessions.get("vq-decoder"),
      clipText: await this.sessions.get("clip-text"),
      clipImage: await this.sessions.get("clip-image"),
    });
  }

  /** One caption of image codes in `mode` (`clip`: the image's embedding when the masked graph is conditioned). */
  private async captionNow(
    mode: GenerationMode,
    codes: Int32Array,
    clip: Float32Array | undefined,
    options: CaptionOptions,
  ): Promise<string> {
    const textIdLimit = this.tokenizer.vocabSize;
    const ids =
      mode === "masked"
        ? await runMaskedCaption(await this.sessions.get("maskgit"), this.card, codes, clip, {
            textIdLimit,
            ...options,
          })
        : await runCaption(await this.sessions.get("gpt-step"), this.card, codes, {
            textIdLimit,
            ...options,
          });
    return captionText(this.tokenizer, ids);
  }

  /** Autoregressive captions of image codes, one per entry of `rows`, decoded in one batch. */
  private async captionsNow(codes: Int32Array, rows: readonly CaptionOptions[]): Promise<string[]> {
    const textIdLimit = this.tokenizer.vocabSize;
    const step = await this.sessions.get("gpt-step");
    const all = await runCaptions(
      step,
      this.card,
      codes,
      rows.map((o) => ({ textIdLimit, ...o })),
    );
    return all.map((ids) => captionText(this.tokenizer, ids));
  }

  private embedTextNow(texts: readonly string[]): Promise<Float32Array[]> {
    return this.batched(texts, async (chunk) =>
      embedIds(
        await this.sessions.get("clip-text"),
        this.card,
        chunk.map((t) => this.captionIds(t)),
      ),
    );
  }

  private embedImageNow(images: readonly RgbaImage[]): Promise<Float32Array[]> {
    return this.batched(images, async (chunk) =>
      embedPixels(await this.sessions.get("clip-image"), this.card, this.pixelsOf(chunk), chunk.length),
    );
  }

  private encodeNow(images: readonly RgbaImage[]): Promise<Int32Array[]> {
    return this.batched(images, async (chunk) => {
      const session = await this.sessions.get("vq-encoder");
      const codes = await encodePixels(session, this.card, this.pixelsOf(chunk), chunk.length);
      const G2 = this.card.vq.grid ** 2;
      return chunk.map((_, i) => codes.slice(i * G2, (i + 1) * G2));
    });
  }

  private pixelsOf(images: readonly RgbaImage[]): Float32Array {
    const { res } = this.card.vq;
    const out = new Float32Array(images.length * 3 * res * res);
    images.forEach((image, i) => imageToTensorData(image, res, out, i));
    return out;
  }

  private async batched<T, R>(items: readonly T[], run: (chunk: T[]) => Promise<R[]>): Promise<R[]> {
    const out: R[] = [];
    for (let at = 0; at < items.length; at += MAX_BATCH)
      out.push(...(await run(items.slice(at, at + MAX_BATCH))));
    return out;
  }

  /**
   * Runs one public operation at a time (sessions are not re-entrant, and a queue keeps a cancelled
   * generation from racing the next one). If WebGPU failed during it and the backend fell back, it runs
   * once more on wasm.
   */
  private run<R>(operation: () => Promise<R>): Promise<R> {
    const attempt = async (): Promise<R> => {
      const before = await getBackend();
      try {
        return await operation();
      } catch (error) {
        const after = await getBackend();
        if (error instanceof BackendError && before.name === "webgpu" && after.name === "wasm")
          return operation();
        throw error;
      }
    };
    const result = this.queue.then(attempt);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

/** Creates a model from a loaded bundle (sessions start lazily on first use). */
export function createModel(bundle: ModelBundle): Model {
  return new Model(bundle);
}
