/**
 * The one gate every stored image passes: size, magic bytes (PNG, JPEG, WebP only), agreement with the declared
 * type, and dimensions read from the header before anything is decoded.
 */
import type { ImageDimensions } from "./image-dimensions";
import { ImageRejectedError, invalidImage } from "./image-error";
import { readJpegHeader } from "./jpeg-header";
import { PNG_SIGNATURE, readPngHeader } from "./png-header";
import { readWebpHeader } from "./webp-header";

/** The image types the dataset accepts. */
export const IMAGE_TYPES = ["image/png", "image/jpeg", "image/webp"] as const;
/** One of {@link IMAGE_TYPES}. */
export type ImageType = (typeof IMAGE_TYPES)[number];

/** What a successful inspection knows about an image. */
export interface ImageInfo extends ImageDimensions {
  type: ImageType;
  bytes: number;
}

/** Options for {@link inspectImage}. */
export interface InspectImageOptions {
  /** Largest accepted file in bytes. Default 2 MiB. */
  maxBytes?: number;
  /** Smallest accepted width and height. Default 16. */
  minSide?: number;
  /** Largest accepted width and height. Default 4096. */
  maxSide?: number;
}

/** Default largest upload: 2 MiB. */
export const MAX_IMAGE_BYTES = 2 * 1024 * 1024;

/** Identifies the type from magic bytes alone; `null` when it is none of the accepted ones. */
export function sniffImageType(bytes: Uint8Array): ImageType | null {
  if (PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return "image/png";
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "image/jpeg";
  const ascii = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));
  if (bytes.length >= 12 && ascii(0) === "RIFF" && ascii(8) === "WEBP") return "image/webp";
  return null;
}

/**
 * Checks `bytes` against the limits and the declared content type (when given) and returns type and size.
 * Throws {@link ImageRejectedError}: 413 too large, 415 unsupported or mismatched type, 422 broken or out of
 * bounds.
 */
export function inspectImage(
  bytes: Uint8Array,
  declaredType: string | null,
  options: InspectImageOptions = {},
): ImageInfo {
  const { maxBytes = MAX_IMAGE_BYTES, minSide = 16, maxSide = 4096 } = options;
  if (bytes.length === 0) throw invalidImage("The image is empty.");
  if (bytes.length > maxBytes) {
    throw new ImageRejectedError(
      413,
      "image_too_large",
      `The image is ${bytes.length} bytes; the limit is ${maxBytes}.`,
    );
  }
  const type = sniffImageType(bytes);
  if (!type) {
    throw new ImageRejectedError(
      415,
      "unsupported_image_type",
      `The bytes are not a PNG, JPEG or WebP image.`,
    );
  }
  const declared = declaredType?.split(";")[0]?.trim().toLowerCase();
  if (declaredType !== null && declared !== type) {
    throw new ImageRejectedError(
      415,
      "image_type_mismatch",
      `Declared type ${JSON.stringify(declaredType)} does not match the bytes, which are ${type}.`,
    );
  }
  const { width, height } =
    type === "image/png"
      ? readPngHeader(bytes)
      : type === "image/jpeg"
        ? readJpegHeader(bytes)
        : readWebpHeader(bytes);
  if (width < minSide || height < minSide || width > maxSide || height > maxSide) {
    throw new ImageRejectedError(
      422,
      "image_dimensions",
      `The image is ${width}x${height}; each side must be between ${minSide} and ${maxSide} pixels.`,
    );
  }
  return { type, width, height, bytes: bytes.length };
}
