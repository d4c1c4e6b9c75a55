// card.json (docs/bundle-format.md §7): the shapes and special ids the runtime needs, read into camelCase and
// checked for consistency once, so the generation code can trust them.
import type { JsonValue, Precision } from "@commonspace/manifest";
import { BundleFormatError } from "../errors";
import { intField, numberField, section } from "./card-fields";
import {
  parseGenerator,
  parseMaskgit,
  type GeneratorCard,
  type MaskgitCard,
  type MaskgitContext,
} from "./card-maskgit";

/**
 * `format` of every bundle this runtime understands (docs/bundle-format.md §3, §6). Format 2: per-layer KV
 * caches, keys transposed. Format 3: the same, plus a `cond` input of the step graph that takes the prompt's CLIP
 * text embedding at position 0 (`card.gpt.cond`). Format 1 (one stacked cache) was replaced before any release
 * and is refused.
 */
export const BUNDLE_FORMATS = ["commonspace-bundle/2", "commonspace-bundle/3"] as const;
/** The newest format: what the trainer writes for a conditioned GPT. */
export const BUNDLE_FORMAT = "commonspace-bundle/3";

/** The step graph's conditioning input (format 3): a CLIP text embedding, read at position 0 only. */
export interface GptCondition {
  /** Input name in the step graph. */
  readonly input: string;
  /** Its size: the CLIP embedding size. */
  readonly dim: number;
  /** Where it comes from: the prompt's `clip-text` embedding (zeros for none). */
  readonly source: "clip-text";
}

/** A file listed in the card. */
export interface CardFile {
  readonly name: string;
  readonly role: string;
  readonly sha256: string;
  readonly bytes: number;
  readonly precision?: Precision;
}

/** The model configuration the runtime uses, from card.json. */
export interface ModelCard {
  readonly name: string;
  readonly version: string;
  /** 2 or 3 (see BUNDLE_FORMATS). */
  readonly format: number;
  readonly files: readonly CardFile[];
  /** VQ-VAE: image side `res`, code grid side `grid`, codebook size. */
  readonly vq: { readonly res: number; readonly grid: number; readonly codebookSize: number };
  /** Caption length L and the pad id. */
  readonly text: { readonly captionLen: number; readonly padId: number; readonly vocabSize: number };
  readonly gpt: {
    readonly textVocab: number;
    readonly imageOffset: number;
    readonly vocabSize: number;
    readonly blockSize: number;
    readonly nLayer: number;
    readonly nHead: number;
    readonly headDim: number;
    readonly bot: number;
    readonly eot: number;
    readonly boi: number;
    readonly boc: number;
    /** Format 3: the conditioning input the step graph takes; undefined in format 2. */
    readonly cond?: GptCondition;
  };
  /** The masked-token transformer (graph role `maskgit`), when the bundle was exported with one. */
  readonly maskgit?: MaskgitCard;
  /** The decoding modes the bundle was exported with, and the default (autoregressive only when absent). */
  readonly generator: GeneratorCard;
  readonly clip: { readonly embedDim: number; readonly logitScale: number };
  /** The trainer's recommended sampling settings (autoregressive mode). */
  readonly sampling: { readonly cfgScale: number; readonly topK: number; readonly temperature: number };
  /** The whole card.json (metrics, data, licence) for display. */
  readonly json: { readonly [key: string]: JsonValue };
}

/** Parses and checks card.json (text or parsed). @throws BundleFormatError naming the first bad field. */
export function parseCard(input: string | unknown): ModelCard {
  let json: unknown = input;
  if (typeof input === "string") {
    try {
      json = JSON.parse(input);
    } catch {
      throw new BundleFormatError("card.json", input, "JSON text");
    }
  }
  const card = section(json, "card");
  const format = BUNDLE_FORMATS.indexOf(card["format"] as (typeof BUNDLE_FORMATS)[number]) + 2;
  if (format < 2) throw new BundleFormatError("card.format", card["format"], BUNDLE_FORMATS.join(" or "));
  const vq = section(card["vq"], "card.vq");
  const text = section(card["text"], "card.text");
  const gpt = section(card["gpt"], "card.gpt");
  if (format === 2 && "cond" in gpt)
    throw new BundleFormatError("card.gpt.cond", "present", `absent in ${BUNDLE_FORMATS[0]}`);
  const clip = section(card["clip"], "card.clip");
  const sampling = section(card["sampling"] ?? {}, "card.sampling");
  const int = intField;
  const num = (obj: Record<string, unknown>, key: string, at: string, fallback: number): number =>
    numberField(obj, key, at, fallback);
  const files = Array.isArray(card["files"]) ? (card["files"] as CardFile[]) : [];
  const maskgit = maskgitOf(card, files, {
    captionLen: int(text, "caption_len", "card.text"),
    padId: int(text, "pad_id", "card.text", 0),
    imageTokens: int(vq, "grid", "card.vq") ** 2,
    codebookSize: int(vq, "codebook_size", "card.vq"),
    embedDim: int(clip, "embed_dim", "card.clip"),
  });
  const parsed: ModelCard = {
    name: String(card["name"] ?? "unnamed"),
    version: String(card["version"] ?? "unversioned"),
    format,
    files,
    vq: {
      res: int(vq, "res", "card.vq"),
      grid: int(vq, "grid", "card.vq"),
      codebookSize: int(vq, "codebook_size", "card.vq"),
    },
    text: {
      captionLen: int(text, "caption_len", "card.text"),
      padId: int(text, "pad_id", "card.text", 0),
      vocabSize: int(text, "vocab_size", "card.text"),
    },
    gpt: {
      textVocab: int(gpt, "text_vocab", "card.gpt"),
      imageOffset: int(gpt, "image_offset", "card.gpt"),
      vocabSize: int(gpt, "vocab_size", "card.gpt"),
      blockSize: int(gpt, "block_size", "card.gpt"),
      nLayer: int(gpt, "n_layer", "card.gpt"),
      nHead: int(gpt, "n_head", "card.gpt"),
      headDim: int(gpt, "head_dim", "card.gpt"),
      bot: int(gpt, "bot", "card.gpt", 0),
      eot: int(gpt, "eot", "card.gpt", 0),
      boi: int(gpt, "boi", "card.gpt", 0),
      boc: int(gpt, "boc", "card.gpt", 0),
      ...(format === 3 && {
        cond: condition(section(gpt["cond"], "card.gpt.cond"), int(clip, "embed_dim", "card.clip")),
      }),
    },
    ...(maskgit && { maskgit }),
    generator: parseGenerator(card["generator"], maskgit),
    clip: {
      embedDim: int(clip, "embed_dim", "card.clip"),
      logitScale: num(clip, "logit_scale", "card.clip", 1),
    },
    sampling: {
      cfgScale: num(sampling, "cfg_scale", "card.sampling", 3),
      topK: num(sampling, "top_k", "card.sampling", 0),
      temperature: num(sampling, "temperature", "card.sampling", 1),
    },
    json: card as { [key: string]: JsonValue },
  };
  checkConsistency(parsed);
  return parsed;
}

function condition(cond: Record<string, unknown>, embedDim: number): GptCondition {
  const { input, dim, source, position } = cond;
  if (typeof input !== "string" || input === "")
    throw new BundleFormatError("card.gpt.cond.input", input, "an input name");
  if (dim !== embedDim)
    throw new BundleFormatError("card.gpt.cond.dim", dim, `card.clip.embed_dim (${embedDim})`);
  if (source !== "clip-text") throw new BundleFormatError("card.gpt.cond.source", source, `"clip-text"`);
  if (position !== 0) throw new BundleFormatError("card.gpt.cond.position", position, "0");
  return { input, dim, source };
}

/** card.maskgit, required when the card lists a file of role `maskgit`. */
function maskgitOf(
  card: Record<string, unknown>,
  files: readonly CardFile[],
  ctx: MaskgitContext,
): MaskgitCard | undefined {
  if (card["maskgit"] !== undefined) return parseMaskgit(card["maskgit"], ctx);
  const graph = files.find((f) => f.role === "maskgit");
  if (graph)
    throw new BundleFormatError("card.maskgit", undefined, `a JSON object (${graph.name} has role maskgit)`);
  return undefined;
}

function checkConsistency(c: ModelCard): void {
  const G2 = c.vq.grid * c.vq.grid;
  const needed = 1 + c.text.captionLen + 1 + G2;
  if (c.gpt.blockSize < needed) {
    throw new BundleFormatError("card.gpt.block_size", c.gpt.blockSize, `≥ ${needed} (1 + L + 1 + G²)`);
  }
  if (c.gpt.vocabSize !== c.gpt.imageOffset + c.vq.codebookSize) {
    throw new BundleFormatError("card.gpt.vocab_size", c.gpt.vocabSize, `image_offset + codebook_size`);
  }
  if (c.vq.res % c.vq.grid !== 0)
    throw new BundleFormatError("card.vq.res", c.vq.res, "a multiple of vq.grid");
}
