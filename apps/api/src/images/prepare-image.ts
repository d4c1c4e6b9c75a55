/**
 * The path every stored image takes: inspect (size, type, header dimensions), strip metadata, then hash the
 * stripped bytes, which are what R2 stores and what the SHA-256 names.
 */
import { sha256Hex } from "@commonspace/manifest";
import { inspectImage, type ImageInfo } from "./inspect-image";
import { stripMetadata } from "./strip-metadata";

/** An image ready to store. */
export interface PreparedImage {
  sha256: string;
  bytes: Uint8Array;
  /** Type and dimensions; `bytes` is the stripped size. */
  info: ImageInfo;
  /** What metadata was removed (empty when none). */
  removed: string[];
}

/** Inspects and strips `bytes`; throws `ImageRejectedError` (4xx) for anything we do not store. */
export async function prepareImage(bytes: Uint8Array, declaredType: string | null): Promise<PreparedImage> {
  const inspected = inspectImage(bytes, declaredType);
  const stripped = stripMetadata(bytes, inspected.type);
  const info = { ...inspected, bytes: stripped.bytes.length };
  return { sha256: await sha256Hex(stripped.bytes), bytes: stripped.bytes, info, removed: stripped.removed };
}
