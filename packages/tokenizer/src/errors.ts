// Named errors of the tokenizer. Each message says the bad value, what was expected and how to fix it.

/** Base class of every error this package throws on purpose, so callers can catch them all at once. */
export class TokenizerError extends Error {
  override name = "TokenizerError";
}

/** A `tokenizer.json` (or an in-memory spec) that this package cannot load. */
export class TokenizerFormatError extends TokenizerError {
  override name = "TokenizerFormatError";

  /**
   * @param field JSON path of the offending field, e.g. `model.merges[12]`.
   * @param found What the file holds there (already shortened for the message).
   * @param expected What a loadable file holds there.
   * @param fix How to get a loadable file.
   */
  constructor(
    readonly field: string,
    found: string,
    expected: string,
    fix = "re-export the file with toTokenizerJson() or `commonspace-tokenizer train`",
  ) {
    super(`tokenizer.json field \`${field}\` is ${found}; expected ${expected}. Fix: ${fix}.`);
  }
}

/** A special token that the tokenizer does not define, asked for by name or needed by an operation. */
export class UnknownSpecialTokenError extends TokenizerError {
  override name = "UnknownSpecialTokenError";

  constructor(
    readonly token: string,
    known: readonly string[],
  ) {
    const list =
      known.length === 0 ? "(none)" : known.slice(0, 8).join(", ") + (known.length > 8 ? ", …" : "");
    super(
      `Unknown special token ${JSON.stringify(token)}; this tokenizer defines ${list}. ` +
        `Fix: use one of those, or train with specialTokens that include ${JSON.stringify(token)}.`,
    );
  }
}

/** A token id outside the vocabulary (or not an integer) passed to `decode` or `idToToken`-like APIs. */
export class InvalidTokenIdError extends TokenizerError {
  override name = "InvalidTokenIdError";

  constructor(
    readonly id: unknown,
    readonly position: number,
    vocabSize: number,
  ) {
    super(
      `Token id ${String(id)} at position ${position} is not in the vocabulary; expected an integer in ` +
        `[0, ${vocabSize - 1}]. Fix: decode ids produced by this same tokenizer.json.`,
    );
  }
}

/** An option outside its allowed range, e.g. `vocabSize` too small or a fixed length of 0. */
export class TokenizerOptionError extends TokenizerError {
  override name = "TokenizerOptionError";

  constructor(
    readonly option: string,
    value: unknown,
    expected: string,
  ) {
    super(
      `Option \`${option}\` is ${JSON.stringify(value)}; expected ${expected}. Fix: pass a value in that range.`,
    );
  }
}

/** `encodeFixed` with `truncation: false` on a text whose tokens do not fit. */
export class SequenceTooLongError extends TokenizerError {
  override name = "SequenceTooLongError";

  constructor(
    readonly tokenCount: number,
    readonly length: number,
    text: string,
  ) {
    const preview = text.length > 40 ? `${text.slice(0, 40)}…` : text;
    super(
      `Text ${JSON.stringify(preview)} needs ${tokenCount} tokens but the fixed length is ${length}; expected at ` +
        `most ${length}. Fix: pass truncation: true, or a larger length.`,
    );
  }
}
