// Synthetic PNGs for the benchmark (RGBA, encoded by fast-png): each seed gives different pixels, so every
// contribution is a new SHA-256.
import { encode } from "fast-png";

/** A `size` x `size` RGBA PNG whose pixels depend on `seed`. */
export function pngBytes(seed, size = 64) {
  const data = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const at = (y * size + x) * 4;
      data[at] = (x * 4 + seed) & 255;
      data[at + 1] = (y * 4 + (seed >>> 8)) & 255;
      data[at + 2] = (seed >>> 16) & 255;
      data[at + 3] = 255;
    }
  }
  return Buffer.from(encode({ width: size, height: size, data, depth: 8, channels: 4 }));
}
