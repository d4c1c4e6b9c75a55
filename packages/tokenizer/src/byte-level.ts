// Stage 3 of the pipeline: pre-token → UTF-8 bytes, and the GPT-2 "ByteLevel" byte ↔ printable-char table
// that spells those bytes as vocabulary strings in tokenizer.json (Radford et al. 2019, GPT-2 `encoder.py`).

/**
 * `BYTE_TO_CHAR[b]` is the one-character string that stands for byte `b` in vocabulary entries. Printable
 * Latin-1 bytes (`!`–`~`, `¡`–`¬`, `®`–`ÿ`) stand for themselves; the other 68 bytes map, in byte order, to
 * U+0100 and up (space → `Ġ`, newline → `Ċ`). Same table as GPT-2 and Hugging Face's ByteLevel.
 */
export const BYTE_TO_CHAR: readonly string[] = (() => {
  const table: string[] = new Array<string>(256);
  let next = 0x100;
  for (let byte = 0; byte < 256; byte++) {
    const printable =
      (byte >= 0x21 && byte <= 0x7e) || (byte >= 0xa1 && byte <= 0xac) || (byte >= 0xae && byte <= 0xff);
    table[byte] = String.fromCharCode(printable ? byte : next++);
  }
  return Object.freeze(table);
})();

// Indexed by UTF-16 code unit (all table chars are below U+0144); -1 where a char stands for no byte.
const CHAR_TO_BYTE: Int16Array = (() => {
  const table = new Int16Array(0x144).fill(-1);
  BYTE_TO_CHAR.forEach((char, byte) => (table[char.charCodeAt(0)] = byte));
  return table;
})();

/**
 * Writes the UTF-8 encoding of `text` into `out` (which must hold `3 * text.length` bytes) and returns the
 * byte count. Unpaired surrogates are written as U+FFFD (EF BF BD), exactly like `TextEncoder`.
 */
export function encodeUtf8Into(text: string, out: Uint8Array): number {
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code < 0x80) {
      out[length++] = code;
      continue;
    }
    if (code < 0x800) {
      out[length++] = 0xc0 | (code >> 6);
      out[length++] = 0x80 | (code & 0x3f);
      continue;
    }
    if (code >= 0xd800 && code <= 0xdfff) {
      const low = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (code <= 0xdbff && low >= 0xdc00 && low <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
        i++;
        out[length++] = 0xf0 | (code >> 18);
        out[length++] = 0x80 | ((code >> 12) & 0x3f);
        out[length++] = 0x80 | ((code >> 6) & 0x3f);
        out[length++] = 0x80 | (code & 0x3f);
        continue;
      }
      code = 0xfffd;
    }
    out[length++] = 0xe0 | (code >> 12);
    out[length++] = 0x80 | ((code >> 6) & 0x3f);
    out[length++] = 0x80 | (code & 0x3f);
  }
  return length;
}

/** The UTF-8 bytes of `text` (unpaired surrogates become U+FFFD). */
export function encodeUtf8(text: string): Uint8Array {
  const buffer = new Uint8Array(text.length * 3);
  return buffer.slice(0, encodeUtf8Into(text, buffer));
}

/** Spells bytes as a ByteLevel vocabulary string, e.g. the bytes of `" é"` → `"ĠÃ©"`. */
export function bytesToByteLevel(bytes: ArrayLike<number>): string {
  let text = "";
  for (let i = 0; i < bytes.length; i++) text += BYTE_TO_CHAR[bytes[i] as number];
  return text;
}

/** The bytes a ByteLevel vocabulary string stands for, or `null` if it holds a char outside the table. */
export function byteLevelToBytes(token: string): Uint8Array | null {
  const bytes = new Uint8Array(token.length);
  for (let i = 0; i < token.length; i++) {
    const code = token.charCodeAt(i);
    const byte = code < CHAR_TO_BYTE.length ? (CHAR_TO_BYTE[code] as number) : -1;
    if (byte < 0) return null;
    bytes[i] = byte;
  }
  return bytes;
}
