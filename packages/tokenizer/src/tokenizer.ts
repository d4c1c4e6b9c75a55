// The tokenizer: normalise → pre-tokenize → byte-level → BPE, plus special tokens, decoding and fixed-length
// model inputs. Pure: it never fetches or caches anything but its in-memory word cache.
import { BpeModel, type MergeRule } from "./bpe";
import {
  InvalidTokenIdError,
  SequenceTooLongError,
  TokenizerFormatError,
  TokenizerOptionError,
  UnknownSpecialTokenError,
} from "./errors";
import { parseTokenizerJson, toTokenizerJson, type TokenizerJson } from "./hf-format";
import { normalize } from "./normalize";
import { forEachPreToken } from "./pre-tokenize";
import { BOT_TOKEN, EOT_TOKEN, PAD_TOKEN, SpecialTokenMatcher, type SpecialToken } from "./special-tokens";

/** Everything a tokenizer is made of; `vocab[id]` of a special token is its content. */
export interface TokenizerSpec {
  /** Token strings by id: special tokens as written, the others in ByteLevel spelling. */
  readonly vocab: readonly string[];
  /** BPE merge rules, highest priority first. */
  readonly merges: readonly MergeRule[];
  /** The special tokens, each with the id it has in `vocab`. */
  readonly specialTokens: readonly SpecialToken[];
}

/** Options of {@link Tokenizer.encode}. */
export interface EncodeOptions {
  /** Wrap the ids in `<|bot|>` … `<|eot|>` (default false). */
  addSpecialTokens?: boolean;
  /**
   * Treat special-token strings written in the text (e.g. `"<|eot|>"`) as those tokens, like Hugging Face
   * does (default true). With false they are ordinary text, which `tokenizer.json` consumers cannot replicate.
   */
  parseSpecialTokens?: boolean;
}

/** Options of {@link Tokenizer.decode}. */
export interface DecodeOptions {
  /** Leave special tokens out of the text (default false). */
  skipSpecialTokens?: boolean;
}

/** Options of {@link Tokenizer.encodeFixed}. */
export interface EncodeFixedOptions extends EncodeOptions {
  /** Where `<|pad|>` goes (default `"right"`). */
  padding?: "right" | "left";
  /** Cut text tokens that do not fit (default true); with false, a long text throws `SequenceTooLongError`. */
  truncation?: boolean;
}

/** A fixed-length model input. */
export interface FixedEncoding {
  /** `length` token ids: `<|bot|>`, text tokens, `<|eot|>`, then `<|pad|>` (with default options). */
  readonly ids: Int32Array;
  /** 1 where `ids` holds a real token, 0 where it holds padding. */
  readonly attentionMask: Uint8Array;
  /** Whether text tokens were cut to fit. */
  readonly truncated: boolean;
}

/** A byte-level BPE tokenizer. Build one with `trainBpe` or `Tokenizer.fromJson`. */
export class Tokenizer {
  readonly spec: TokenizerSpec;
  private readonly bpe: BpeModel;
  private readonly matcher: SpecialTokenMatcher;
  private readonly specialById = new Map<number, SpecialToken>();
  private readonly idByToken = new Map<string, number>();
  private readonly decoder = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });
  private sink: number[] = [];
  private readonly visitPreToken = (preToken: string): void => this.bpe.encodeWord(preToken, this.sink);
  private decodeBuffer = new Uint8Array(256);

  /** @throws TokenizerFormatError when the spec is inconsistent. */
  constructor(spec: TokenizerSpec) {
    this.spec = spec;
    spec.specialTokens.forEach((token, index) => {
      if (spec.vocab[token.id] !== token.content) {
        const found = `${JSON.stringify(token.content)} with id ${token.id}`;
        const expected = `the vocab entry at that id (${JSON.stringify(spec.vocab[token.id])})`;
        throw new TokenizerFormatError(`added_tokens[${index}]`, found, expected);
      }
      this.specialById.set(token.id, token);
    });
    spec.vocab.forEach((token, id) => this.idByToken.set(token, id));
    this.bpe = new BpeModel({
      vocab: spec.vocab,
      merges: spec.merges,
      specialIds: new Set(this.specialById.keys()),
    });
    this.matcher = new SpecialTokenMatcher(spec.specialTokens);
  }

  /**
   * Loads a Hugging Face `tokenizer.json` written by {@link Tokenizer.toJson} (parsed object or JSON text).
   * @throws TokenizerFormatError naming the first field that does not match this package's pipeline.
   */
  static fromJson(json: unknown): Tokenizer {
    if (typeof json !== "string") return new Tokenizer(parseTokenizerJson(json));
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch (error) {
      throw new TokenizerFormatError("(root)", `not JSON (${(error as Error).message})`, "JSON text");
    }
    return new Tokenizer(parseTokenizerJson(parsed));
  }

  /** This tokenizer as a Hugging Face `tokenizer.json` object (serialise with `JSON.stringify`). */
  toJson(): TokenizerJson {
    return toTokenizerJson(this.spec);
  }

  /** Number of ids, special tokens included. */
  get vocabSize(): number {
    return this.spec.vocab.length;
  }

  /** The special tokens, in id order as given by the spec. */
  get specialTokens(): readonly SpecialToken[] {
    return this.spec.specialTokens;
  }

  /** Id of a vocabulary string (ByteLevel spelling, or a special token's content). */
  tokenToId(token: string): number | undefined {
    return this.idByToken.get(token);
  }

  /** Vocabulary string of an id, or `undefined` outside the vocabulary. */
  idToToken(id: number): string | undefined {
    return this.spec.vocab[id];
  }

  /** Id of a special token by content, e.g. `specialTokenId("<|pad|>") === 0`. */
  specialTokenId(content: string): number {
    const token = this.matcher.get(content);
    if (token === undefined)
      throw new UnknownSpecialTokenError(
        content,
        this.spec.specialTokens.map((t) => t.content),
      );
    return token.id;
  }

  /**
   * Text → token ids. The text is normalised first (see `normalize`), piece by piece between special tokens.
   * @example tokenizer.encode("Red Apple") // same ids as tokenizer.encode("red  apple")
   */
  encode(text: string, options: EncodeOptions = {}): number[] {
    const { addSpecialTokens = false, parseSpecialTokens = true } = options;
    const ids: number[] = [];
    if (addSpecialTokens) ids.push(this.specialTokenId(BOT_TOKEN));
    if (parseSpecialTokens) {
      for (const segment of this.matcher.split(text)) {
        if (segment.special === undefined) this.encodeOrdinary(segment.text, ids, true);
        else ids.push(segment.special.id);
      }
    } else {
      this.encodeOrdinary(text, ids, false);
    }
    if (addSpecialTokens) ids.push(this.specialTokenId(EOT_TOKEN));
    return ids;
  }

  private encodeOrdinary(raw: string, ids: number[], parseSpecialTokens: boolean): void {
    const text = normalize(raw);
    if (text.length === 0) return;
    // Hugging Face treats a whole piece that normalises to a special token (e.g. "<|EOT|>") as that token.
    const special = parseSpecialTokens ? this.matcher.get(text) : undefined;
    if (special !== undefined) {
      ids.push(special.id);
      return;
    }
    this.sink = ids;
    forEachPreToken(text, this.visitPreToken);
  }

  /**
   * Token ids → text. Bytes are decoded as UTF-8; byte sequences that are not valid UTF-8 (only possible with
   * ids not produced by `encode`) become U+FFFD. Special tokens appear as their content unless skipped.
   * @throws InvalidTokenIdError for an id outside `[0, vocabSize)`.
   */
  decode(ids: ArrayLike<number>, options: DecodeOptions = {}): string {
    const { skipSpecialTokens = false } = options;
    let text = "";
    let length = 0;
    for (let position = 0; position < ids.length; position++) {
      const id = ids[position] as number;
      if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize) {
        throw new InvalidTokenIdError(id, position, this.vocabSize);
      }
      const bytes = this.bpe.bytesOf(id);
      if (bytes === null) {
        // Skipped special tokens do not split the byte stream, exactly as in Hugging Face's decoder.
        if (skipSpecialTokens) continue;
        text += this.decoder.decode(this.decodeBuffer.subarray(0, length));
        text += (this.specialById.get(id) as SpecialToken).content;
        length = 0;
        continue;
      }
      if (length + bytes.length > this.decodeBuffer.length) {
        const grown = new Uint8Array(2 * (length + bytes.length));
        grown.set(this.decodeBuffer.subarray(0, length));
        this.decodeBuffer = grown;
      }
      this.decodeBuffer.set(bytes, length);
      length += bytes.length;
    }
    return text + this.decoder.decode(this.decodeBuffer.subarray(0, length));
  }

  /**
   * Text → exactly `length` ids and an attention mask, for model input. With the defaults the row is
   * `<|bot|> text… <|eot|> <|pad|>…`; when the text is too long its tokens are cut but `<|bot|>` and
   * `<|eot|>` stay, so every row ends its text with `<|eot|>`.
   * @throws TokenizerOptionError when `length` is not an integer ≥ 1 (≥ 2 with special tokens).
   * @throws SequenceTooLongError when the text does not fit and `truncation` is false.
   */
  encodeFixed(text: string, length: number, options: EncodeFixedOptions = {}): FixedEncoding {
    const {
      padding = "right",
      truncation = true,
      addSpecialTokens = true,
      parseSpecialTokens = true,
    } = options;
    const reserved = addSpecialTokens ? 2 : 0;
    if (!Number.isInteger(length) || length < Math.max(1, reserved)) {
      throw new TokenizerOptionError("length", length, `an integer ≥ ${Math.max(1, reserved)}`);
    }
    if (padding !== "right" && padding !== "left") {
      throw new TokenizerOptionError("padding", padding, `"right" or "left"`);
    }
    const body = this.encode(text, { addSpecialTokens: false, parseSpecialTokens });
    const room = length - reserved;
    const truncated = body.length > room;
    if (truncated && !truncation) throw new SequenceTooLongError(body.length + reserved, length, text);
    const kept = truncated ? room : body.length;
    const used = kept + reserved;
    const ids = new Int32Array(length).fill(this.specialTokenId(PAD_TOKEN));
    const attentionMask = new Uint8Array(length);
    let at = padding === "right" ? 0 : length - used;
    attentionMask.fill(1, at, at + used);
    if (addSpecialTokens) ids[at++] = this.specialTokenId(BOT_TOKEN);
    for (let i = 0; i < kept; i++) ids[at++] = body[i] as number;
    if (addSpecialTokens) ids[at++] = this.specialTokenId(EOT_TOKEN);
    return { ids, attentionMask, truncated };
  }
}
