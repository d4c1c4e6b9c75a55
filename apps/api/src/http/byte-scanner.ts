/**
 * A forward-only reader over a byte stream that can find a delimiter across chunk boundaries. It holds at
 * most one chunk plus a delimiter's length of bytes, so a streaming parser built on it never buffers a
 * whole body. Used by the streaming multipart reader.
 */

/** Thrown when the stream ends before an expected delimiter, or a bounded read exceeds its limit. */
export class ByteScannerError extends Error {
  override readonly name = "ByteScannerError";
}

/** Index of `pattern` in `haystack` at or after `from`, or -1. */
export function indexOfBytes(haystack: Uint8Array, pattern: Uint8Array, from = 0): number {
  const first = pattern[0];
  if (first === undefined) return from;
  const lastStart = haystack.length - pattern.length;
  for (let i = haystack.indexOf(first, from); i >= 0 && i <= lastStart; i = haystack.indexOf(first, i + 1)) {
    let j = 1;
    while (j < pattern.length && haystack[i + j] === pattern[j]) j++;
    if (j === pattern.length) return i;
  }
  return -1;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** Reads a `ReadableStream<Uint8Array>` chunk by chunk, keeping only the unconsumed tail. */
export class ByteScanner {
  private buffer: Uint8Array;
  private ended = false;

  /** `prefix` is scanned before the stream's own bytes (e.g. a CRLF that makes the first delimiter uniform). */
  constructor(
    private readonly reader: ReadableStreamDefaultReader<Uint8Array>,
    prefix: Uint8Array = new Uint8Array(0),
  ) {
    this.buffer = prefix;
  }

  /** Appends the next chunk; false once the stream has ended. */
  private async fill(): Promise<boolean> {
    if (this.ended) return false;
    const { done, value } = await this.reader.read();
    if (done) {
      this.ended = true;
      return false;
    }
    this.buffer = concat(this.buffer, value);
    return true;
  }

  /**
   * Returns the bytes before the next `delimiter` and consumes the delimiter, reading at most `maxBytes`.
   * Throws {@link ByteScannerError} if the limit is passed or the stream ends first.
   */
  async readUntil(delimiter: Uint8Array, maxBytes: number): Promise<Uint8Array> {
    for (;;) {
      const at = indexOfBytes(this.buffer, delimiter);
      if (at >= 0 && at <= maxBytes) {
        const before = this.buffer.subarray(0, at);
        this.buffer = this.buffer.subarray(at + delimiter.length);
        return before;
      }
      if (this.buffer.length > maxBytes + delimiter.length) {
        throw new ByteScannerError(`No delimiter within ${maxBytes} bytes.`);
      }
      if (!(await this.fill())) throw new ByteScannerError("The stream ended before the expected delimiter.");
    }
  }

  /**
   * Returns the next run of bytes before `delimiter`, or null once the delimiter is next (it is consumed).
   * Keeps back `delimiter.length - 1` bytes that could be its start, so the delimiter is found across chunks.
   */
  async nextChunkBefore(delimiter: Uint8Array): Promise<Uint8Array | null> {
    for (;;) {
      const at = indexOfBytes(this.buffer, delimiter);
      if (at === 0) {
        this.buffer = this.buffer.subarray(delimiter.length);
        return null;
      }
      const safe = at > 0 ? at : this.buffer.length - (delimiter.length - 1);
      if (safe > 0) {
        const chunk = this.buffer.subarray(0, safe);
        this.buffer = this.buffer.subarray(safe);
        return chunk;
      }
      if (!(await this.fill())) throw new ByteScannerError("The stream ended inside a part.");
    }
  }

  /** Consumes exactly `count` bytes and returns them, or throws if the stream ends first. */
  async take(count: number): Promise<Uint8Array> {
    while (this.buffer.length < count) {
      if (!(await this.fill())) throw new ByteScannerError(`The stream ended before ${count} more bytes.`);
    }
    const out = this.buffer.subarray(0, count);
    this.buffer = this.buffer.subarray(count);
    return out;
  }

  /** Stops reading the underlying stream. */
  async cancel(reason?: unknown): Promise<void> {
    await this.reader.cancel(reason).catch(() => undefined);
  }
}
