/**
 * WebP metadata stripper: walks the RIFF chunks and keeps the image (VP8, VP8L, ALPH), animation (ANIM, ANMF,
 * whose frames are copied verbatim) and colour profile (ICCP) chunks; drops EXIF, XMP and any unknown chunk.
 * The VP8X header's EXIF and XMP flags are cleared to match, and the RIFF length is rewritten.
 */
import { invalidImage } from "./image-error";
import { joinBytes, type StrippedImage } from "./stripped-image";

/** Chunks kept, by FourCC. */
export const WEBP_KEPT_CHUNKS = new Set(["VP8X", "VP8 ", "VP8L", "ALPH", "ANIM", "ANMF", "ICCP"]);

// VP8X flag bits (WebP container spec): ICC 0x20, alpha 0x10, EXIF 0x08, XMP 0x04, animation 0x02.
const EXIF_AND_XMP_FLAGS = 0x08 | 0x04;

function le32(value: number): Uint8Array {
  return Uint8Array.of(value & 255, (value >>> 8) & 255, (value >>> 16) & 255, (value >>> 24) & 255);
}

/** Strips a WebP whose RIFF length and first chunk {@link readWebpHeader} has checked. */
export function stripWebp(bytes: Uint8Array): StrippedImage {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const kept: Uint8Array[] = [];
  const removed: string[] = [];
  const exif: Uint8Array[] = [];
  let flagsChanged = false;
  for (let at = 12; at < bytes.length;) {
    if (at + 8 > bytes.length) throw invalidImage("WebP ends inside a chunk header.");
    const fourcc = String.fromCharCode(...bytes.subarray(at, at + 4));
    const size = view.getUint32(at + 4, true);
    const end = at + 8 + size + (size % 2);
    if (at + 8 + size > bytes.length)
      throw invalidImage(`WebP chunk ${JSON.stringify(fourcc)} runs past the end.`);
    const chunk = bytes.subarray(at, Math.min(end, bytes.length));
    if (fourcc === "VP8X" && size >= 10 && ((chunk[8] ?? 0) & EXIF_AND_XMP_FLAGS) !== 0) {
      const header = chunk.slice();
      header[8] = (header[8] ?? 0) & ~EXIF_AND_XMP_FLAGS;
      kept.push(header);
      flagsChanged = true;
    } else if (WEBP_KEPT_CHUNKS.has(fourcc)) kept.push(chunk);
    else {
      removed.push(`WebP ${fourcc.trimEnd()}`);
      if (fourcc === "EXIF") exif.push(chunk.subarray(8, 8 + size));
    }
    at = end;
  }
  if (removed.length === 0 && !flagsChanged) return { bytes, removed, exif };
  if (flagsChanged && removed.length === 0) removed.push("WebP VP8X metadata flags");
  const body = joinBytes(kept);
  const riff = joinBytes([bytes.subarray(0, 4), le32(body.length + 4), bytes.subarray(8, 12), body]);
  return { bytes: riff, removed, exif };
}
