/**
 * Image bytes in R2, stored under `images/<sha256>`. Content addressing makes a put idempotent: the same key
 * always holds the same bytes. An object whose D1 row never landed (the D1 batch failed after the put) is
 * harmless: bytes are only ever served through a D1 row, and the scheduled sweep deletes objects no row
 * references once they are older than its grace period.
 */
import type { ImageType } from "../images/inspect-image";

/** R2 key of an image. */
export function imageKey(sha256: string): string {
  return `images/${sha256}`;
}

/**
 * Stores the bytes, even when the object exists: the put refreshes its upload time, so the sweep (which spares
 * objects younger than its grace period) cannot delete it between this put and the D1 batch that references
 * it. R2 verifies the SHA-256 on upload.
 */
export async function putImageBytes(bucket: R2Bucket, sha256: string, bytes: Uint8Array, type: ImageType) {
  const key = imageKey(sha256);
  await bucket.put(key, bytes, {
    sha256,
    httpMetadata: { contentType: type, cacheControl: "public, max-age=31536000, immutable" },
  });
  return key;
}

/** Deletes the bytes of removed images; a failure is logged and left to the sweep. */
export async function deleteImageBytes(bucket: R2Bucket, keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  try {
    await bucket.delete(keys);
  } catch (err) {
    console.error(`could not delete ${keys.length} removed image(s); the sweep will retry`, err);
  }
}
