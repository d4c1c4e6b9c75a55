/**
 * Reads the Orientation tag (0x0112) of an EXIF block without trusting its offsets: the stripper drops EXIF,
 * and with it the rotation a viewer would apply, so an image whose EXIF says "rotate" is refused instead of
 * being stored sideways (docs/api.md, "Metadata").
 */

/** The TIFF structure of an EXIF block, optionally after the `Exif\0\0` prefix JPEG and some WebP writers use. */
function tiffStart(exif: Uint8Array): number {
  const prefix = [0x45, 0x78, 0x69, 0x66, 0, 0];
  return prefix.every((b, i) => exif[i] === b) ? 6 : 0;
}

/**
 * The Orientation value (1-8) of `exif`, or 1 when the tag is absent or the block is unreadable: an
 * unreadable block tells a viewer nothing either, and it is dropped all the same.
 */
export function exifOrientation(exif: Uint8Array): number {
  const start = tiffStart(exif);
  const tiff = exif.subarray(start);
  if (tiff.length < 8) return 1;
  const view = new DataView(tiff.buffer, tiff.byteOffset, tiff.byteLength);
  const order = String.fromCharCode(tiff[0] ?? 0, tiff[1] ?? 0);
  if (order !== "II" && order !== "MM") return 1;
  const little = order === "II";
  if (view.getUint16(2, little) !== 42) return 1;
  const ifd = view.getUint32(4, little);
  if (ifd + 2 > tiff.length) return 1;
  const entries = view.getUint16(ifd, little);
  for (let i = 0; i < entries; i++) {
    const at = ifd + 2 + i * 12;
    if (at + 12 > tiff.length) return 1;
    if (view.getUint16(at, little) !== 0x0112) continue;
    // SHORT (type 3), count 1: the value sits in the first two bytes of the value field.
    if (view.getUint16(at + 2, little) !== 3) return 1;
    const value = view.getUint16(at + 8, little);
    return value >= 1 && value <= 8 ? value : 1;
  }
  return 1;
}
