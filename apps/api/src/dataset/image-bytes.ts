/**
 * Image bytes in R2, stored under `images/<sha256>`. Content addressing makes a put idempotent: the same key
 * always holds the same bytes. An object whose D1 row never landed (the D1 batch failed after the put) is
 * harmless: bytes are only ever served through a D1 row, and a later upload of the same image reuses it.
 */
import type { ImageType } from "../images/inspect-image";

/** R2 key of an image. */
export function imageKey(sha256: string): string {
  return `images/${sha256}`;
}

/** Stores the bytes unless an object with that key exists already; R2 verifies the SHA-256 on upload. */
export async function putImageBytes(bucket: R2Bucket, sha256: string, bytes: Uint8Array, type: ImageType) {
  const key = imageKey(sha256);
  if (await bucket.head(key)) return key;
  await bucket.put(key, bytes, {
    sha256,
    httpMetadata: { contentType: type, cacheControl: "public, max-age=31536000, immutable" },
  });
  return key;
}
