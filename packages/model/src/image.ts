// RGBA images and their conversion to and from the models' tensors (docs/bundle-format.md §2):
// float32 NCHW RGB in [0, 1], transparent pixels composited on white, box-downsampled to the model size.
import { ImageFormatError } from "./errors";

/**
 * An 8-bit RGBA image, row-major, 4 bytes per pixel. Structurally compatible with the DOM `ImageData`, so a
 * canvas can draw it with `ctx.putImageData(new ImageData(image.data, image.width, image.height), x, y)`.
 */
export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8ClampedArray;
}

/** A blank (transparent) image. */
export function createImage(width: number, height: number): RgbaImage {
  return { width, height, data: new Uint8ClampedArray(width * height * 4) };
}

/** Checks that `image.data` has `width × height × 4` bytes. */
export function assertImage(image: RgbaImage, label = "image"): void {
  const ok =
    Number.isInteger(image.width) &&
    Number.isInteger(image.height) &&
    image.width > 0 &&
    image.height > 0 &&
    image.data.length === image.width * image.height * 4;
  if (!ok) {
    throw new ImageFormatError(
      `${label} is ${image.width}x${image.height} with ${image.data.length} bytes, expected positive integer ` +
        "sizes and width × height × 4 RGBA bytes.",
    );
  }
}

/**
 * Writes `image` into `out` at offset `batchIndex × 3 × size²` as the model input (docs/bundle-format.md §2):
 * alpha composited on white, resampled to `size × size` by averaging each output pixel's source box (an
 * exact box downsample when the side is a multiple of `size`; non-square images are stretched), RGB in
 * [0, 1], NCHW.
 */
export function imageToTensorData(
  image: RgbaImage,
  size: number,
  out: Float32Array,
  batchIndex: number,
): void {
  assertImage(image);
  const plane = size * size;
  const base = batchIndex * 3 * plane;
  for (let y = 0; y < size; y++) {
    const y0 = Math.floor((y * image.height) / size);
    const y1 = Math.max(y0 + 1, Math.floor(((y + 1) * image.height) / size));
    for (let x = 0; x < size; x++) {
      const x0 = Math.floor((x * image.width) / size);
      const x1 = Math.max(x0 + 1, Math.floor(((x + 1) * image.width) / size));
      let r = 0;
      let g = 0;
      let b = 0;
      for (let sy = y0; sy < y1; sy++) {
        for (let sx = x0, at = (sy * image.width + x0) * 4; sx < x1; sx++, at += 4) {
          const alpha = (image.data[at + 3] as number) / 255;
          const white = 255 * (1 - alpha);
          r += (image.data[at] as number) * alpha + white;
          g += (image.data[at + 1] as number) * alpha + white;
          b += (image.data[at + 2] as number) * alpha + white;
        }
      }
      const norm = 1 / (255 * (y1 - y0) * (x1 - x0));
      const p = y * size + x;
      out[base + p] = r * norm;
      out[base + plane + p] = g * norm;
      out[base + 2 * plane + p] = b * norm;
    }
  }
}

/** Row `batchIndex` of a float32 NCHW `[B, 3, size, size]` tensor in [0, 1] → an opaque RGBA image. */
export function tensorDataToImage(data: Float32Array, size: number, batchIndex: number): RgbaImage {
  const image = createImage(size, size);
  const plane = size * size;
  const base = batchIndex * 3 * plane;
  for (let p = 0; p < plane; p++) {
    image.data[p * 4] = Math.round((data[base + p] as number) * 255);
    image.data[p * 4 + 1] = Math.round((data[base + plane + p] as number) * 255);
    image.data[p * 4 + 2] = Math.round((data[base + 2 * plane + p] as number) * 255);
    image.data[p * 4 + 3] = 255;
  }
  return image;
}

/** Nearest-neighbour upscale by an integer factor (crisp pixels for tiny model outputs). */
export function scaleImage(image: RgbaImage, factor: number): RgbaImage {
  if (factor === 1) return image;
  const out = createImage(image.width * factor, image.height * factor);
  const aligned = image.data.byteOffset % 4 === 0 ? image.data : image.data.slice();
  const src = new Uint32Array(aligned.buffer, aligned.byteOffset, image.width * image.height);
  const dst = new Uint32Array(out.data.buffer);
  for (let y = 0; y < out.height; y++) {
    const row = Math.floor(y / factor) * image.width;
    for (let x = 0; x < out.width; x++) dst[y * out.width + x] = src[row + Math.floor(x / factor)] as number;
  }
  return out;
}

/** Lays images out in a grid (row-major, `columns` wide) with `gap` transparent pixels between cells. */
export function imageGrid(images: readonly RgbaImage[], columns: number, gap = 0): RgbaImage {
  const first = images[0];
  if (!first) throw new ImageFormatError("imageGrid got no images, expected at least one.");
  const rows = Math.ceil(images.length / columns);
  const cols = Math.min(columns, images.length);
  const out = createImage(cols * first.width + (cols - 1) * gap, rows * first.height + (rows - 1) * gap);
  images.forEach((image, index) => {
    const left = (index % columns) * (first.width + gap);
    const top = Math.floor(index / columns) * (first.height + gap);
    for (let y = 0; y < image.height; y++) {
      const from = y * image.width * 4;
      out.data.set(image.data.subarray(from, from + image.width * 4), ((top + y) * out.width + left) * 4);
    }
  });
  return out;
}
