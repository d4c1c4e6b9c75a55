// The card's `maskgit` and `generator` sections: the masked-token transformer's sequence layout, ids and decoding
// settings (training/card.py `maskgit_section`, training/models/maskgit.py), and which decoding modes the bundle
// offers with its default. Both are optional: a bundle without them runs the autoregressive GPT only. Each
// value is checked against the sections it must agree with (vq, text, clip), so masked.ts can trust them.
import { BundleFormatError } from "../errors";
import { intField, numberField, sameAs, section } from "./card-fields";

/** How images are decoded: the GPT token by token, or the masked transformer in a few parallel steps. */
export type GenerationMode = "autoregressive" | "masked";

/** Every decoding mode this runtime knows. */
export const GENERATION_MODES: readonly GenerationMode[] = ["autoregressive", "masked"];

/** The masked graph's conditioning input: a CLIP embedding added at position 0. */
export interface MaskgitCondition {
  /** Input name in the `maskgit` graph. */
  readonly input: string;
  /** Its size: the CLIP embedding size. */
  readonly dim: number;
  /** Generation: the prompt's `clip-text` embedding (zeros for the unconditional rows). */
  readonly source: "clip-text";
  /** Captioning: the image's `clip-image` embedding. */
  readonly captionSource: "clip-image";
}

/** The trainer's decoding settings for the masked transformer. */
export interface MaskgitSampling {
  /** Decoding steps of a generation, and of a caption. */
  readonly steps: number;
  readonly captionSteps: number;
  readonly cfgScale: number;
  readonly temperature: number;
  /** 0 keeps every code. */
  readonly topK: number;
  /** Scale of the Gumbel noise on the confidences, annealed to 0 over the steps (MaskGIT's choice temperature). */
  readonly choiceTemperature: number;
}

/**
 * The `maskgit` graph's sequence (length `blockSize`): position 0 `bot` (plus the condition), then the caption
 * at `captionStart` (`captionLen` text ids or `maskId`), then the image at `imageStart` (`imageTokens` entries
 * `imageOffset + code` or `maskId`).
 */
export interface MaskgitCard {
  readonly blockSize: number;
  readonly captionStart: number;
  readonly imageStart: number;
  readonly captionLen: number;
  readonly imageTokens: number;
  readonly textVocab: number;
  readonly imageOffset: number;
  readonly codebookSize: number;
  readonly maskId: number;
  readonly vocabSize: number;
  readonly bot: number;
  readonly padId: number;
  /** Undefined for a model trained without a condition (the graph then takes `tokens` only). */
  readonly cond?: MaskgitCondition;
  readonly sampling: MaskgitSampling;
}

/** The card's `generator` section: the modes the bundle was exported with and the one to use by default. */
export interface GeneratorCard {
  readonly modes: readonly GenerationMode[];
  readonly defaultMode: GenerationMode;
}

/** What the masked section must agree with, from the card's other sections. */
export interface MaskgitContext {
  readonly captionLen: number;
  readonly padId: number;
  readonly imageTokens: number;
  readonly codebookSize: number;
  readonly embedDim: number;
}

/** Parses and checks card.maskgit. @throws BundleFormatError naming the first bad field. */
export function parseMaskgit(value: unknown, ctx: MaskgitContext): MaskgitCard {
  const at = "card.maskgit";
  const m = section(value, at);
  const int = (key: string, min = 1): number => intField(m, key, at, min);
  const layout = {
    blockSize: int("block_size"),
    captionStart: int("caption_start"),
    imageStart: int("image_start"),
    captionLen: int("caption_len"),
    imageTokens: int("image_tokens"),
    textVocab: int("text_vocab"),
    imageOffset: int("image_offset", 0),
    codebookSize: int("codebook_size"),
    maskId: int("mask_id", 0),
    vocabSize: int("vocab_size"),
    bot: int("bot", 0),
    padId: int("pad_id", 0),
  };
  checkLayout(layout, ctx);
  if ((m["schedule"] ?? "cosine") !== "cosine")
    throw new BundleFormatError(
      `${at}.schedule`,
      m["schedule"],
      `"cosine" (the only schedule this runtime runs)`,
    );
  const cond =
    m["cond"] === undefined ? undefined : condition(section(m["cond"], `${at}.cond`), ctx.embedDim);
  return { ...layout, ...(cond && { cond }), sampling: sampling(section(m["sampling"], `${at}.sampling`)) };
}

function checkLayout(l: Omit<MaskgitCard, "sampling" | "cond">, ctx: MaskgitContext): void {
  const at = "card.maskgit";
  sameAs(l.captionLen, ctx.captionLen, `${at}.caption_len`, "card.text.caption_len");
  sameAs(l.imageTokens, ctx.imageTokens, `${at}.image_tokens`, "card.vq.grid²");
  sameAs(l.codebookSize, ctx.codebookSize, `${at}.codebook_size`, "card.vq.codebook_size");
  sameAs(l.padId, ctx.padId, `${at}.pad_id`, "card.text.pad_id");
  sameAs(l.imageStart, l.captionStart + l.captionLen, `${at}.image_start`, "caption_start + caption_len");
  sameAs(l.blockSize, l.imageStart + l.imageTokens, `${at}.block_size`, "image_start + image_tokens");
  if (l.imageOffset < l.textVocab)
    throw new BundleFormatError(`${at}.image_offset`, l.imageOffset, `≥ text_vocab (${l.textVocab})`);
  const isText = l.maskId < l.textVocab;
  const isCode = l.maskId >= l.imageOffset && l.maskId < l.imageOffset + l.codebookSize;
  if (isText || isCode || l.maskId >= l.vocabSize) {
    const expected = `an id below vocab_size (${l.vocabSize}) that is neither a text id nor an image code`;
    throw new BundleFormatError(`${at}.mask_id`, l.maskId, expected);
  }
  if (l.imageOffset + l.codebookSize > l.vocabSize) {
    const expected = `≥ image_offset + codebook_size (${l.imageOffset + l.codebookSize})`;
    throw new BundleFormatError(`${at}.vocab_size`, l.vocabSize, expected);
  }
}

function condition(cond: Record<string, unknown>, embedDim: number): MaskgitCondition {
  const at = "card.maskgit.cond";
  const { input, dim, source, position } = cond;
  const captionSource = cond["caption_source"];
  if (typeof input !== "string" || input === "")
    throw new BundleFormatError(`${at}.input`, input, "an input name");
  if (dim !== embedDim) throw new BundleFormatError(`${at}.dim`, dim, `card.clip.embed_dim (${embedDim})`);
  if (source !== "clip-text") throw new BundleFormatError(`${at}.source`, source, `"clip-text"`);
  if (captionSource !== "clip-image")
    throw new BundleFormatError(`${at}.caption_source`, captionSource, `"clip-image"`);
  if (position !== 0) throw new BundleFormatError(`${at}.position`, position, "0");
  return { input, dim, source, captionSource };
}

/** Missing numbers take training/models/maskgit.py's defaults; present ones must be in range. */
function sampling(s: Record<string, unknown>): MaskgitSampling {
  const at = "card.maskgit.sampling";
  return {
    steps: s["steps"] === undefined ? 10 : intField(s, "steps", at),
    captionSteps: s["caption_steps"] === undefined ? 6 : intField(s, "caption_steps", at),
    cfgScale: numberField(s, "cfg_scale", at, 3, 0),
    temperature: numberField(s, "temperature", at, 1, 0),
    topK: s["top_k"] === undefined ? 0 : intField(s, "top_k", at, 0),
    choiceTemperature: numberField(s, "choice_temperature", at, 4.5, 0),
  };
}

/**
 * Parses card.generator (absent: the autoregressive mode only). "masked" needs a `maskgit` section.
 * @throws BundleFormatError naming the bad field.
 */
export function parseGenerator(value: unknown, maskgit: MaskgitCard | undefined): GeneratorCard {
  if (value === undefined) return { modes: ["autoregressive"], defaultMode: "autoregressive" };
  const g = section(value, "card.generator");
  const modes = g["modes"];
  const known = GENERATION_MODES.map((m) => `"${m}"`).join(", ");
  const listed = Array.isArray(modes) ? `[${modes.map(String).join(", ")}]` : modes;
  if (!Array.isArray(modes) || !modes.every((m) => GENERATION_MODES.includes(m as GenerationMode))) {
    throw new BundleFormatError("card.generator.modes", listed, `a list of ${known}`);
  }
  if (!modes.includes("autoregressive"))
    throw new BundleFormatError("card.generator.modes", listed, `a list that includes "autoregressive"`);
  if (modes.includes("masked") && !maskgit)
    throw new BundleFormatError(
      "card.maskgit",
      undefined,
      `a JSON object (card.generator.modes lists "masked")`,
    );
  const defaultMode = g["default_mode"] ?? "autoregressive";
  if (!modes.includes(defaultMode))
    throw new BundleFormatError("card.generator.default_mode", defaultMode, `one of ${modes.join(", ")}`);
  return { modes: modes as GenerationMode[], defaultMode: defaultMode as GenerationMode };
}
