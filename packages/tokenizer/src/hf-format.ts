// Reads and writes Hugging Face's `tokenizer.json`, with our pipeline spelled in its normaliser and
// pre-tokenizer terms so that `@huggingface/transformers` (and `tokenizers`) produce the same ids.
import type { MergeRule } from "./bpe";
import { TokenizerFormatError } from "./errors";
import { INVISIBLE_CHARACTERS_SOURCE, WHITESPACE_RUN_SOURCE } from "./normalize";
import { PRE_TOKENIZE_PATTERN } from "./pre-tokenize";
import { BOT_TOKEN, EOT_TOKEN, PAD_TOKEN, type SpecialToken } from "./special-tokens";
import type { TokenizerSpec } from "./tokenizer";

/** Any JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** One entry of `added_tokens`. */
export interface AddedTokenJson {
  id: number;
  content: string;
  single_word: boolean;
  lstrip: boolean;
  rstrip: boolean;
  normalized: boolean;
  special: boolean;
}

/** The `model` section: byte-level BPE. */
export interface BpeModelJson {
  type: "BPE";
  dropout: null;
  unk_token: null;
  continuing_subword_prefix: null;
  end_of_word_suffix: null;
  fuse_unk: boolean;
  byte_fallback: boolean;
  ignore_merges: boolean;
  vocab: Record<string, number>;
  merges: [string, string][];
}

/** A `tokenizer.json` as this package writes it. */
export interface TokenizerJson {
  version: "1.0";
  truncation: null;
  padding: null;
  added_tokens: AddedTokenJson[];
  normalizer: JsonValue;
  pre_tokenizer: JsonValue;
  post_processor: JsonValue;
  decoder: JsonValue;
  model: BpeModelJson;
}

const BYTE_LEVEL = { type: "ByteLevel", add_prefix_space: false, trim_offsets: false, use_regex: false };

/** The normaliser: the steps of `normalize` (the unpaired-surrogate step needs none, see the README). */
export const HF_NORMALIZER: JsonValue = {
  type: "Sequence",
  normalizers: [
    { type: "Replace", pattern: { Regex: INVISIBLE_CHARACTERS_SOURCE }, content: "" },
    { type: "NFKC" },
    { type: "Lowercase" },
    { type: "NFKC" },
    { type: "Replace", pattern: { Regex: WHITESPACE_RUN_SOURCE }, content: " " },
    { type: "Strip", strip_left: true, strip_right: true },
  ],
};

/** The pre-tokenizer: our split regex, then bytes spelled as ByteLevel characters (no second regex). */
export const HF_PRE_TOKENIZER: JsonValue = {
  type: "Sequence",
  pretokenizers: [
    { type: "Split", pattern: { Regex: PRE_TOKENIZE_PATTERN }, behavior: "Isolated", invert: false },
    BYTE_LEVEL,
  ],
};

/** The decoder: ByteLevel characters back to bytes, bytes to UTF-8 text. */
export const HF_DECODER: JsonValue = BYTE_LEVEL;

function templateToken(content: string, typeId: number): JsonValue {
  return { SpecialToken: { id: content, type_id: typeId } };
}

/** `<|bot|> $A <|eot|>` (and `… $B <|eot|>` for pairs), or null when the tokens are not defined. */
function postProcessor(specialTokens: readonly SpecialToken[]): JsonValue {
  const bot = specialTokens.find((token) => token.content === BOT_TOKEN);
  const eot = specialTokens.find((token) => token.content === EOT_TOKEN);
  if (bot === undefined || eot === undefined) return null;
  const sequence = (id: string, typeId: number): JsonValue => ({ Sequence: { id, type_id: typeId } });
  return {
    type: "TemplateProcessing",
    single: [templateToken(BOT_TOKEN, 0), sequence("A", 0), templateToken(EOT_TOKEN, 0)],
    pair: [
      templateToken(BOT_TOKEN, 0),
      sequence("A", 0),
      templateToken(EOT_TOKEN, 0),
      sequence("B", 1),
      templateToken(EOT_TOKEN, 1),
    ],
    special_tokens: Object.fromEntries(
      [bot, eot].map((token) => [
        token.content,
        { id: token.content, ids: [token.id], tokens: [token.content] },
      ]),
    ),
  };
}

/** Writes a spec as a Hugging Face `tokenizer.json` object. */
export function toTokenizerJson(spec: TokenizerSpec): TokenizerJson {
  // No prototype, so that a token spelled "__proto__" is an ordinary key.
  const vocab = Object.create(null) as Record<string, number>;
  spec.vocab.forEach((token, id) => (vocab[token] = id));
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: spec.specialTokens.map((token) => ({
      id: token.id,
      content: token.content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: HF_NORMALIZER,
    pre_tokenizer: HF_PRE_TOKENIZER,
    post_processor: postProcessor(spec.specialTokens),
    decoder: HF_DECODER,
    model: {
      type: "BPE",
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges: spec.merges.map(([left, right]) => [left, right]),
    },
  };
}

/**
 * A `tokenizer_config.json` to put beside `tokenizer.json` for `AutoTokenizer.from_pretrained` (Python or
 * JS): names the pad / bos / eos tokens and turns off the English "clean-up" of decoded spaces.
 */
export function toTokenizerConfigJson(spec: TokenizerSpec): Record<string, JsonValue> {
  const has = (content: string): boolean => spec.specialTokens.some((token) => token.content === content);
  return {
    tokenizer_class: "PreTrainedTokenizerFast",
    ...(has(BOT_TOKEN) ? { bos_token: BOT_TOKEN } : {}),
    ...(has(EOT_TOKEN) ? { eos_token: EOT_TOKEN } : {}),
    ...(has(PAD_TOKEN) ? { pad_token: PAD_TOKEN } : {}),
    clean_up_tokenization_spaces: false,
    padding_side: "right",
  };
}

function describe(value: unknown): string {
  const text = value === undefined ? "missing" : JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}

/** JSON text with object keys sorted, so that key order does not count as a difference. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonical(item)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

const PIPELINE_FIX =
  "this package implements one fixed pipeline; load only files written by toTokenizerJson() or " +
  "`commonspace-tokenizer train`";

function expectSame(field: string, found: unknown, expected: unknown): void {
  if (canonical(found) !== canonical(expected)) {
    throw new TokenizerFormatError(field, describe(found), describe(expected), PIPELINE_FIX);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function parseVocab(model: Record<string, unknown>): string[] {
  if (!isRecord(model.vocab))
    throw new TokenizerFormatError("model.vocab", describe(model.vocab), "an object");
  const vocab: string[] = [];
  for (const [token, id] of Object.entries(model.vocab)) {
    if (!Number.isInteger(id) || (id as number) < 0) {
      throw new TokenizerFormatError(
        `model.vocab[${JSON.stringify(token)}]`,
        describe(id),
        "an integer id ≥ 0",
      );
    }
    if (vocab[id as number] !== undefined) {
      const found = `id ${String(id)}, also used by ${JSON.stringify(vocab[id as number])}`;
      throw new TokenizerFormatError(`model.vocab[${JSON.stringify(token)}]`, found, "a unique id");
    }
    vocab[id as number] = token;
  }
  return vocab;
}

function parseMerges(model: Record<string, unknown>): MergeRule[] {
  if (!Array.isArray(model.merges))
    throw new TokenizerFormatError("model.merges", describe(model.merges), "an array");
  return model.merges.map((merge: unknown, rank): MergeRule => {
    if (typeof merge === "string" && merge.indexOf(" ") > 0) {
      const space = merge.indexOf(" ");
      return [merge.slice(0, space), merge.slice(space + 1)];
    }
    if (Array.isArray(merge) && merge.length === 2 && merge.every((part) => typeof part === "string")) {
      return [merge[0] as string, merge[1] as string];
    }
    throw new TokenizerFormatError(`model.merges[${rank}]`, describe(merge), `a pair ["left", "right"]`);
  });
}

function parseModel(json: Record<string, unknown>): { vocab: string[]; merges: MergeRule[] } {
  const model = json.model;
  if (!isRecord(model) || model.type !== "BPE") {
    throw new TokenizerFormatError("model.type", describe(isRecord(model) ? model.type : model), `"BPE"`);
  }
  for (const option of ["dropout", "unk_token", "continuing_subword_prefix", "end_of_word_suffix"]) {
    const value = model[option];
    if (value !== undefined && value !== null && value !== "") {
      throw new TokenizerFormatError(`model.${option}`, describe(value), "null", PIPELINE_FIX);
    }
  }
  for (const option of ["byte_fallback", "ignore_merges"]) {
    if (model[option] !== undefined && model[option] !== false) {
      throw new TokenizerFormatError(`model.${option}`, describe(model[option]), "false", PIPELINE_FIX);
    }
  }
  return { vocab: parseVocab(model), merges: parseMerges(model) };
}

function parseAddedTokens(json: Record<string, unknown>, vocab: string[]): SpecialToken[] {
  const added = json.added_tokens ?? [];
  if (!Array.isArray(added)) throw new TokenizerFormatError("added_tokens", describe(added), "an array");
  return added.map((entry: unknown, index): SpecialToken => {
    const field = `added_tokens[${index}]`;
    if (
      !isRecord(entry) ||
      typeof entry.content !== "string" ||
      !Number.isInteger(entry.id) ||
      entry.special !== true
    ) {
      throw new TokenizerFormatError(
        field,
        describe(entry),
        `{ "id": <int>, "content": <string>, "special": true }`,
      );
    }
    for (const flag of ["single_word", "lstrip", "rstrip", "normalized"]) {
      if (entry[flag] === true)
        throw new TokenizerFormatError(`${field}.${flag}`, "true", "false", PIPELINE_FIX);
    }
    const id = entry.id as number;
    if (vocab[id] !== undefined && vocab[id] !== entry.content) {
      const found = `${JSON.stringify(entry.content)} with id ${id}`;
      throw new TokenizerFormatError(
        field,
        found,
        `the model.vocab entry with that id, ${JSON.stringify(vocab[id])}`,
      );
    }
    vocab[id] = entry.content;
    return { id, content: entry.content };
  });
}

/**
 * Reads a `tokenizer.json` object into a spec, checking that its normaliser, pre-tokenizer, decoder and
 * post-processor are exactly the ones this package writes (anything else would encode differently).
 * @throws TokenizerFormatError naming the first field that differs.
 */
export function parseTokenizerJson(json: unknown): TokenizerSpec {
  if (!isRecord(json)) throw new TokenizerFormatError("(root)", describe(json), "a JSON object");
  const { vocab, merges } = parseModel(json);
  const specialTokens = parseAddedTokens(json, vocab);
  for (let id = 0; id < vocab.length; id++) {
    if (vocab[id] === undefined)
      throw new TokenizerFormatError("model.vocab", `without id ${id}`, "ids 0..n-1");
  }
  expectSame("normalizer", json.normalizer, HF_NORMALIZER);
  expectSame("pre_tokenizer", json.pre_tokenizer, HF_PRE_TOKENIZER);
  expectSame("decoder", json.decoder, HF_DECODER);
  expectSame("post_processor", json.post_processor ?? null, postProcessor(specialTokens));
  for (const field of ["truncation", "padding"]) expectSame(field, json[field] ?? null, null);
  return { vocab, merges, specialTokens };
}
