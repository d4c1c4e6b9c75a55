// Turns the picked file into what is uploaded: decoded with its EXIF orientation applied, cut to the chosen
// square, scaled to at most 512 × 512 and re-encoded (WebP where the browser can write it, else PNG). The
// re-encoding is what drops the file's metadata (EXIF with GPS, XMP, text chunks) in the browser; the API strips
// it again on its side, because a browser doing it is not enough.
import { cropRect, sizeProblem, type CropChoice, type CropRect } from "./square-crop";

/** The picked file is not an image the browser can decode, or is too small. */
export class ImagePrepError extends Error {
  override readonly name = "ImagePrepError";
}

/** The largest file the browser decodes (the upload itself is a 512 × 512 re-encoding, far smaller). */
export const MAX_FILE_BYTES = 20 * 1024 * 1024;

/** The types the API accepts. */
export const ACCEPTED_TYPES = ["image/png", "image/jpeg", "image/webp"] as const;

/** Decodes `file`, upright. @throws ImagePrepError naming the file and what is wrong with it. */
export async function decodeImage(file: Blob & { name?: string }): Promise<ImageBitmap> {
  const label = file.name ? `"${file.name}"` : "The file";
  if (!(ACCEPTED_TYPES as readonly string[]).includes(file.type))
    throw new ImagePrepError(
      `${label} is ${file.type || "of no known type"}; pick a PNG, JPEG or WebP image.`,
    );
  if (file.size > MAX_FILE_BYTES) {
    const mb = (file.size / 1024 / 1024).toFixed(1);
    throw new ImagePrepError(`${label} is ${mb} MB; pick an image under ${MAX_FILE_BYTES / 1024 / 1024} MB.`);
  }
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  } catch {
    throw new ImagePrepError(`${label} says it is ${file.type} but cannot be decoded as an image.`);
  }
  const problem = sizeProblem(bitmap.width, bitmap.height);
  if (problem) {
    bitmap.close();
    throw new ImagePrepError(problem);
  }
  return bitmap;
}

/** Draws the chosen square of `bitmap` onto `canvas` at `size` × `size` (previews and the upload alike). */
export function drawSquare(
  canvas: HTMLCanvasElement,
  bitmap: ImageBitmap,
  rect: CropRect,
  size: number,
): void {
  canvas.width = canvas.height = size;
  const context = canvas.getContext("2d");
  if (!context) return;
  context.imageSmoothingEnabled = true;
  context.imageSmoothingQuality = "high";
  context.clearRect(0, 0, size, size);
  context.drawImage(bitmap, rect.sx, rect.sy, rect.side, rect.side, 0, 0, size, size);
}

/** The upload: the chosen square, scaled, re-encoded without metadata. */
export async function encodeSquare(bitmap: ImageBitmap, choice: CropChoice): Promise<Blob> {
  const rect = cropRect(bitmap.width, bitmap.height, choice);
  const canvas = document.createElement("canvas");
  drawSquare(canvas, bitmap, rect, rect.outSide);
  const webp = await toBlob(canvas, "image/webp", 0.9);
  // Browsers that cannot write WebP hand back PNG whatever was asked.
  if (webp?.type === "image/webp") return webp;
  const png = await toBlob(canvas, "image/png");
  if (!png) throw new ImagePrepError("This browser could not encode the image.");
  return png;
}

function toBlob(canvas: HTMLCanvasElement, type: string, quality?: number): Promise<Blob | null> {
  return new Promise((resolve) => canvas.toBlob(resolve, type, quality));
}
