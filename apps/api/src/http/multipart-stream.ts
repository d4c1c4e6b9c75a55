/**
 * A streaming `multipart/form-data` reader (RFC 7578 / RFC 2046 §5.1). Unlike `Request.formData()`, which
 * holds the whole body (and often a second copy of each part) in memory, it hands out each part as a
 * `ReadableStream` while the body is still arriving, so a large upload can be piped straight to R2.
 *
 * Parts come in order and each part's body must be read (or is skipped) before the next part is produced.
 */
import { ByteScanner, ByteScannerError } from "./byte-scanner";

/** One part of a multipart body, streamed. */
export interface StreamedPart {
  /** The `name` parameter of `Content-Disposition: form-data`. */
  name: string;
  /** The `filename` parameter, when the part is a file. */
  filename: string | null;
  contentType: string | null;
  /** The part's bytes; read it before asking for the next part, or it is drained and discarded. */
  body: ReadableStream<Uint8Array>;
}

/** Options for {@link streamMultipart}. */
export interface StreamMultipartOptions {
  /** Largest header block of one part, in bytes. Default 8 KiB. */
  maxHeaderBytes?: number;
  /** Most parts accepted. Default 64. */
  maxParts?: number;
}

/** The body is not well-formed multipart, or breaks a limit: answer 400. */
export class MultipartError extends Error {
  override readonly name = "MultipartError";
}

const CRLF = new Uint8Array([13, 10]);
const HEADER_END = new Uint8Array([13, 10, 13, 10]);
const DASH_DASH = "--";
const PARAM = /;\s*([A-Za-z*-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/g;

/** Extracts the boundary from a `multipart/form-data` Content-Type, or throws {@link MultipartError}. */
export function boundaryFromContentType(contentType: string | null | undefined): string {
  const [type = "", ...rest] = (contentType ?? "").split(";");
  if (type.trim().toLowerCase() !== "multipart/form-data") {
    throw new MultipartError(`Expected Content-Type multipart/form-data, got "${type.trim()}".`);
  }
  const params = parseParams(`;${rest.join(";")}`);
  const boundary = params.get("boundary");
  if (!boundary || boundary.length > 70) {
    throw new MultipartError("The multipart Content-Type needs a boundary of 1 to 70 characters.");
  }
  return boundary;
}

function parseParams(text: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const m of text.matchAll(PARAM)) {
    const value = m[2] !== undefined ? m[2].replace(/\\(.)/g, "$1") : (m[3] ?? "");
    params.set((m[1] ?? "").toLowerCase(), value);
  }
  return params;
}

function parseHeaders(block: Uint8Array): Omit<StreamedPart, "body"> {
  const headers = new Map<string, string>();
  for (const line of new TextDecoder().decode(block).split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const disposition = headers.get("content-disposition") ?? "";
  if (!/^form-data\s*(;|$)/i.test(disposition)) {
    throw new MultipartError("Each part needs a Content-Disposition: form-data header.");
  }
  const params = parseParams(disposition.slice(disposition.indexOf(";") >= 0 ? disposition.indexOf(";") : 0));
  const name = params.get("name");
  if (!name) throw new MultipartError("A multipart part has no name.");
  return { name, filename: params.get("filename") ?? null, contentType: headers.get("content-type") ?? null };
}

/** Rethrows a scanner failure as a {@link MultipartError}; anything else unchanged. */
function asMultipartError(err: unknown): never {
  if (err instanceof ByteScannerError) throw new MultipartError(`Malformed multipart body: ${err.message}`);
  throw err;
}

/** Reads what follows a delimiter: true when another part begins, false at the closing `--`. */
async function afterDelimiter(scanner: ByteScanner): Promise<boolean> {
  const two = new TextDecoder().decode(await scanner.take(2));
  if (two === DASH_DASH) return false;
  if (two === "\r\n") return true;
  // RFC 2046 allows linear whitespace ("transport padding") before the CRLF.
  const rest = new TextDecoder().decode(await scanner.readUntil(CRLF, 64));
  if (!/^[ \t]*$/.test(two + rest)) throw new MultipartError("Malformed multipart delimiter line.");
  return true;
}

async function readHeaderBlock(scanner: ByteScanner, maxHeaderBytes: number): Promise<Uint8Array> {
  const start = await scanner.take(2);
  if (start[0] === 13 && start[1] === 10) return new Uint8Array(0);
  const rest = await scanner.readUntil(HEADER_END, maxHeaderBytes);
  const block = new Uint8Array(2 + rest.length);
  block.set(start, 0);
  block.set(rest, 2);
  return block;
}

/**
 * A part body backed by the scanner, plus `drain()`, which skips whatever the consumer left unread. Reads
 * are chained so a pull still in flight and a drain never touch the scanner at the same time.
 */
function partBody(
  scanner: ByteScanner,
  delimiter: Uint8Array,
): { body: ReadableStream<Uint8Array>; drain(): Promise<void> } {
  let finished = false;
  let queue: Promise<Uint8Array | null> = Promise.resolve(null);
  const next = (): Promise<Uint8Array | null> => {
    queue = queue.then(async () => {
      if (finished) return null;
      const chunk = await scanner.nextChunkBefore(delimiter).catch(asMultipartError);
      if (chunk === null) finished = true;
      return chunk;
    });
    return queue;
  };
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const chunk = await next();
        if (chunk === null) controller.close();
        else controller.enqueue(chunk);
      },
    },
    { highWaterMark: 0 },
  );
  const drain = async (): Promise<void> => {
    while ((await next()) !== null);
  };
  return { body, drain };
}

/**
 * Yields the parts of a multipart body in order. Throws {@link MultipartError} on a malformed body or when a
 * limit is passed. Breaking out of the loop cancels the underlying stream.
 */
export async function* streamMultipart(
  stream: ReadableStream<Uint8Array>,
  boundary: string,
  options: StreamMultipartOptions = {},
): AsyncGenerator<StreamedPart, void, undefined> {
  const { maxHeaderBytes = 8 * 1024, maxParts = 64 } = options;
  const delimiter = new TextEncoder().encode(`\r\n--${boundary}`);
  // A leading CRLF makes the first delimiter look like every other one; anything before it is preamble.
  const scanner = new ByteScanner(stream.getReader(), CRLF);
  try {
    await scanner.readUntil(delimiter, 1024);
    for (let count = 0; await afterDelimiter(scanner); count++) {
      if (count >= maxParts) throw new MultipartError(`More than ${maxParts} parts.`);
      const head = parseHeaders(await readHeaderBlock(scanner, maxHeaderBytes));
      const { body, drain } = partBody(scanner, delimiter);
      yield { ...head, body };
      await drain();
    }
  } catch (err) {
    asMultipartError(err);
  } finally {
    await scanner.cancel();
  }
}

/** A part read into memory (small forms: a contribution's image and text fields). */
export interface BufferedPart {
  name: string;
  filename: string | null;
  contentType: string | null;
  data: Uint8Array;
}

/** Reads a part's body into one array of at most `maxBytes`, or throws {@link MultipartError}. */
export async function readPartBytes(part: StreamedPart, maxBytes: number): Promise<Uint8Array> {
  const reader = part.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    total += r.value.length;
    if (total > maxBytes) throw new MultipartError(`Part "${part.name}" is larger than ${maxBytes} bytes.`);
    chunks.push(r.value);
  }
  const all = new Uint8Array(total);
  chunks.reduce((offset, chunk) => (all.set(chunk, offset), offset + chunk.length), 0);
  return all;
}

/** Reads a part's body as UTF-8 text of at most `maxBytes`, or throws {@link MultipartError}. */
export async function readPartText(part: StreamedPart, maxBytes: number): Promise<string> {
  const all = await readPartBytes(part, maxBytes);
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(all);
  } catch {
    throw new MultipartError(`Part "${part.name}" is not valid UTF-8.`);
  }
}

/** Options for {@link readMultipartForm}. */
export interface ReadMultipartFormOptions {
  /** Most parts accepted. Default 16. */
  maxParts?: number;
  /** Largest part, in bytes (the body's own bound usually comes first). Default 4 MiB. */
  maxPartBytes?: number;
}

/**
 * Reads every part of a small form into memory, in order, through the same streaming parser. Throws
 * {@link MultipartError}; an error of the underlying stream (e.g. a byte limit) passes through unchanged.
 */
export async function readMultipartForm(
  stream: ReadableStream<Uint8Array>,
  boundary: string,
  options: ReadMultipartFormOptions = {},
): Promise<BufferedPart[]> {
  const { maxParts = 16, maxPartBytes = 4 * 1024 * 1024 } = options;
  const parts: BufferedPart[] = [];
  for await (const part of streamMultipart(stream, boundary, { maxParts })) {
    const { name, filename, contentType } = part;
    parts.push({ name, filename, contentType, data: await readPartBytes(part, maxPartBytes) });
  }
  return parts;
}
