/**
 * Removes metadata from an image before it is hashed and stored: EXIF (GPS, camera, time), XMP, IPTC, text
 * chunks, comments, thumbnails and trailing data. Pure byte-level work on the container (PNG chunks, JPEG
 * segments, WebP RIFF chunks): the compressed pixel data is copied verbatim and nothing is decoded or
 * re-encoded, so the pixels stay identical and a hostile file cannot make the Worker inflate it. What each
 * format keeps (only what decoding and colour need) is listed in docs/api.md, "Metadata".
 *
 * Runs after {@link inspectImage}, which has already checked type, size, layout and dimensions.
 */
import { exifOrientation } from "./exif-orientation";
import { ImageRejectedError } from "./image-error";
import type { ImageType } from "./inspect-image";
import { stripJpeg } from "./strip-jpeg";
import { stripPng } from "./strip-png";
import { stripWebp } from "./strip-webp";
import type { StrippedImage } from "./stripped-image";

export type { StrippedImage };

/**
 * Strips `bytes` of type `type`. Throws {@link ImageRejectedError}: 422 `invalid_image` for a container the
 * walk cannot follow, 422 `image_orientation` when the EXIF asks viewers to rotate or mirror the image (the
 * rotation goes with the EXIF, so the stored image would show sideways).
 */
export function stripMetadata(bytes: Uint8Array, type: ImageType): StrippedImage {
  const stripped =
    type === "image/png" ? stripPng(bytes) : type === "image/jpeg" ? stripJpeg(bytes) : stripWebp(bytes);
  for (const exif of stripped.exif) {
    const orientation = exifOrientation(exif);
    if (orientation !== 1) {
      throw new ImageRejectedError(
        422,
        "image_orientation",
        `The image's EXIF orientation is ${orientation} (rotated or mirrored); metadata is removed here, and ` +
          "the rotation with it. Rotate the pixels before uploading (the /contribute page does this), or " +
          "save it with orientation 1.",
      );
    }
  }
  return stripped;
}
