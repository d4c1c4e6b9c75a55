/**
 * Stores one uploaded model file in R2 under `models/<sha256>` while it streams in, checking its size and
 * SHA-256 against the manifest on the way. Nothing is held in memory beyond the chunk in flight.
 *
 * Content addressing makes the write safe: the key is the claimed SHA-256, the put carries that SHA-256 so
 * R2 itself refuses different bytes, and we compare our own digest before completing the put. A file a
 * published version already records (`reuse`) is hashed but not written again.
 */
import { toHex, type UploadFileEntry } from "@commonspace/manifest";
import { ApiError } from "../errors";

/** The R2 key of a model file. */
export function modelFileKey(sha256: string): string {
  return `models/${sha256}`;
}

/** Result of {@link storeModelFile}: whether this request created the R2 object. */
export interface StoredFile {
  key: string;
  created: boolean;
}

function mismatch(entry: UploadFileEntry, what: string): ApiError {
  return new ApiError(422, "file_mismatch", `File "${entry.name}": ${what} does not match the manifest.`);
}

/** Streams `body` into a SHA-256 digest and, when given, the R2 writer; throws 422 unless it matches `entry`. */
async function pump(
  body: ReadableStream<Uint8Array>,
  entry: UploadFileEntry,
  r2: WritableStreamDefaultWriter<Uint8Array> | null,
): Promise<void> {
  const digest = new crypto.DigestStream("SHA-256");
  const hasher = digest.getWriter();
  const reader = body.getReader();
  let total = 0;
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    total += r.value.length;
    // Stop at the first byte past the declared size: it can never match, and it caps what we read.
    if (total > entry.bytes) throw mismatch(entry, `size (more than ${entry.bytes} bytes)`);
    await hasher.write(r.value);
    if (r2) await r2.write(r.value);
  }
  await hasher.close();
  if (total !== entry.bytes) throw mismatch(entry, `size (${total} bytes, expected ${entry.bytes})`);
  const sha256 = toHex(await digest.digest);
  if (sha256 !== entry.sha256) throw mismatch(entry, `SHA-256 (got ${sha256})`);
}

/**
 * Streams one file part to R2 as `models/<sha256>`, verifying size and SHA-256 against `entry`. Throws 422
 * `file_mismatch` (and writes nothing) when the bytes differ from what the manifest declares.
 */
export async function storeModelFile(
  bucket: R2Bucket,
  body: ReadableStream<Uint8Array>,
  entry: UploadFileEntry,
  options: { reuse: boolean } = { reuse: true },
): Promise<StoredFile> {
  const key = modelFileKey(entry.sha256);
  if (options.reuse && (await bucket.head(key))) {
    await pump(body, entry, null);
    return { key, created: false };
  }
  const sized = new FixedLengthStream(entry.bytes);
  const writer = sized.writable.getWriter();
  const put = bucket.put(key, sized.readable, {
    sha256: entry.sha256,
    httpMetadata: { contentType: "application/octet-stream" },
  });
  // Observe the put's failure at once so it is never an unhandled rejection; rethrown below.
  const settled = put.then(
    () => null,
    (err: unknown) => err,
  );
  try {
    await pump(body, entry, writer);
  } catch (err) {
    // Aborting an incomplete fixed-length stream makes R2 drop the object.
    await writer.abort(err).catch(() => undefined);
    await settled;
    throw err;
  }
  await writer.close();
  const failure = await settled;
  if (failure) throw failure;
  return { key, created: true };
}
