// Public API of @commonspace/tokenizer: a pure byte-level BPE tokenizer for browsers, Node and workerd.
export { Tokenizer } from "./tokenizer";
export type {
  DecodeOptions,
  EncodeFixedOptions,
  EncodeOptions,
  FixedEncoding,
  TokenizerSpec,
} from "./tokenizer";
export { trainBpe } from "./train";
export type { TrainBpeOptions } from "./train";
export { normalize, INVISIBLE_CHARACTERS_SOURCE, WHITESPACE_RUN_SOURCE } from "./normalize";
export { preTokenize, forEachPreToken, PRE_TOKENIZE_PATTERN } from "./pre-tokenize";
export { BYTE_TO_CHAR, bytesToByteLevel, byteLevelToBytes, encodeUtf8 } from "./byte-level";
export { BpeModel, MAX_VOCAB_SIZE } from "./bpe";
export type { BpeModelOptions, BpeModelSpec, MergeRule } from "./bpe";
export {
  BOC_TOKEN,
  BOI_TOKEN,
  BOT_TOKEN,
  DEFAULT_SPECIAL_TOKENS,
  EOT_TOKEN,
  PAD_TOKEN,
  SPECIAL_TOKEN_SLOTS,
  SpecialTokenMatcher,
  reservedToken,
} from "./special-tokens";
export type { SpecialToken, TextSegment } from "./special-tokens";
export {
  HF_DECODER,
  HF_NORMALIZER,
  HF_PRE_TOKENIZER,
  parseTokenizerJson,
  toTokenizerConfigJson,
  toTokenizerJson,
} from "./hf-format";
export type { AddedTokenJson, BpeModelJson, JsonValue, TokenizerJson } from "./hf-format";
export {
  InvalidTokenIdError,
  SequenceTooLongError,
  TokenizerError,
  TokenizerFormatError,
  TokenizerOptionError,
  UnknownSpecialTokenError,
} from "./errors";
