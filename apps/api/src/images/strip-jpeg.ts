/**
 * JPEG metadata stripper: walks the marker segments from SOI to the first EOI and copies what decoding needs
 * (frame and scan headers, tables, restart intervals, the entropy-coded data verbatim) plus three APPn
 * segments that change how decoded samples become colours:
 * - APP0 `JFIF`: tells decoders the samples are YCbCr; its optional thumbnail is removed (a thumbnail can show
 *   what a crop removed), the rest is 14 bytes of version and pixel density.
 * - APP2 `ICC_PROFILE`: the colour profile (a wide-gamut photo looks wrong without it).
 * - APP14 `Adobe`: its transform flag says whether 3- and 4-channel data is YCbCr/YCCK or RGB/CMYK.
 * Everything else is dropped: APP1 (EXIF with GPS, XMP, extended XMP), other APP0/APP2 payloads (JFXX
 * thumbnails, MPF, FlashPix), APP3-APP13 (IPTC/Photoshop in APP13), APP15, COM, and any bytes after the first
 * EOI (a second image, a depth map or an "original" that some phones append).
 */
import { invalidImage } from "./image-error";
import { joinBytes, type StrippedImage } from "./stripped-image";

const SOI = Uint8Array.of(0xff, 0xd8);
const EOI = Uint8Array.of(0xff, 0xd9);

function startsWith(bytes: Uint8Array, at: number, ascii: string): boolean {
  for (let i = 0; i < ascii.length; i++) if (bytes[at + i] !== ascii.charCodeAt(i)) return false;
  return true;
}

function segmentName(marker: number, bytes: Uint8Array, payload: number): string {
  const label = String.fromCharCode(...bytes.subarray(payload, payload + 40)).split("\0")[0] ?? "";
  const printable = /^[\x20-\x7e]{1,40}$/.test(label) ? ` (${label})` : "";
  if (marker === 0xfe) return "JPEG COM";
  return `JPEG APP${marker - 0xe0}${printable}`;
}

/** What to do with an APPn or COM segment: keep it whole, keep it without its thumbnail, or drop it. */
function appAction(bytes: Uint8Array, marker: number, payload: number, length: number) {
  if (marker === 0xe0 && startsWith(bytes, payload, "JFIF\0") && length >= 16) {
    return length === 16 ? "keep" : "drop-thumbnail";
  }
  if (marker === 0xe2 && startsWith(bytes, payload, "ICC_PROFILE\0")) return "keep";
  if (marker === 0xee && startsWith(bytes, payload, "Adobe")) return "keep";
  return "drop";
}

/** A JFIF APP0 segment with a 0x0 thumbnail: length 16, thumbnail width and height zero. */
function jfifWithoutThumbnail(segment: Uint8Array): Uint8Array {
  const rewritten = segment.slice(0, 18);
  rewritten.set([0, 16], 2);
  rewritten.set([0, 0], 16);
  return rewritten;
}

/** End of the entropy-coded data that starts at `at`: the next marker other than RSTn or a stuffed 0xFF00. */
function scanEnd(bytes: Uint8Array, at: number): number {
  for (let i = bytes.indexOf(0xff, at); i !== -1; i = bytes.indexOf(0xff, i + 1)) {
    const next = bytes[i + 1];
    if (next === undefined) break;
    if (next === 0x00 || (next >= 0xd0 && next <= 0xd7)) continue;
    if (next === 0xff) continue; // fill byte before a marker
    return i;
  }
  throw invalidImage("JPEG is truncated inside its image data.");
}

/** Strips a JPEG whose segments {@link readJpegHeader} has checked up to the frame header. */
export function stripJpeg(bytes: Uint8Array): StrippedImage {
  const out: Uint8Array[] = [SOI];
  const removed: string[] = [];
  const exif: Uint8Array[] = [];
  let changed = false;
  let scans = 0;
  let at = 2;
  for (;;) {
    if (bytes[at] !== 0xff) throw invalidImage(`JPEG has no marker at byte ${at}.`);
    const start = at;
    while (bytes[at] === 0xff) at++;
    if (at - start > 1) changed = true; // fill bytes are not copied
    const marker = bytes[at++];
    if (marker === undefined) throw invalidImage("JPEG ends without an EOI marker.");
    if (marker === 0xd9) {
      if (scans === 0) throw invalidImage("JPEG ends before any image data (SOS).");
      out.push(EOI);
      if (at !== bytes.length) {
        removed.push(`JPEG ${bytes.length - at} bytes after EOI`);
      }
      break;
    }
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      out.push(bytes.subarray(at - 2, at));
      continue;
    }
    const length = ((bytes[at] ?? 0) << 8) | (bytes[at + 1] ?? 0);
    if (length < 2 || at + length > bytes.length) throw invalidImage("JPEG is truncated inside a segment.");
    if ((marker >= 0xe0 && marker <= 0xef) || marker === 0xfe) {
      const segment = bytes.subarray(at - 2, at + length);
      const action = appAction(bytes, marker, at + 2, length);
      if (action === "keep") out.push(segment);
      else {
        const name = segmentName(marker, bytes, at + 2);
        if (action === "drop-thumbnail") {
          out.push(jfifWithoutThumbnail(segment));
          removed.push(`${name} thumbnail`);
        } else removed.push(name);
        if (marker === 0xe1 && startsWith(bytes, at + 2, "Exif\0")) exif.push(segment.subarray(4));
      }
      at += length;
      continue;
    }
    out.push(bytes.subarray(at - 2, at + length));
    at += length;
    if (marker === 0xda) {
      scans++;
      const end = scanEnd(bytes, at);
      out.push(bytes.subarray(at, end));
      at = end;
    }
  }
  const unchanged = removed.length === 0 && !changed;
  return { bytes: unchanged ? bytes : joinBytes(out), removed, exif };
}
