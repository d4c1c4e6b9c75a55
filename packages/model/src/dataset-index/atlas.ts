// The sprite atlas of the dataset index: every image as a `tile`-pixel square thumbnail (area-averaged with
// premultiplied alpha, so transparent edges do not turn dark), in a grid of ⌈√n⌉ columns: image i at column
// i % columns, row ⌊i / columns⌋. One PNG, so a page makes one request and one texture.
import { createImage, type RgbaImage } from "../image";

/** The thumbnail of `image`: `tile` × `tile`, aspect kept, centred on transparency. */
export function thumbnail(image: RgbaImage, tile: number): RgbaImage {
  const out = createImage(tile, tile);
  const scale = Math.max(image.width, image.height) / tile;
  const [w, h] = [Math.round(image.width / scale), Math.round(image.height / scale)];
  const [ox, oy] = [Math.floor((tile - w) / 2), Math.floor((tile - h) / 2)];
  for (let y = 0; y < h; y++) {
    const [y0, y1] = span(y, h, image.height);
    for (let x = 0; x < w; x++) {
      const [x0, x1] = span(x, w, image.width);
      let [r, g, b, a] = [0, 0, 0, 0];
      for (let sy = y0; sy < y1; sy++) {
        for (let sx = x0, at = (sy * image.width + x0) * 4; sx < x1; sx++, at += 4) {
          const alpha = image.data[at + 3] as number;
          r += (image.data[at] as number) * alpha;
          g += (image.data[at + 1] as number) * alpha;
          b += (image.data[at + 2] as number) * alpha;
          a += alpha;
        }
      }
      const at = ((oy + y) * tile + ox + x) * 4;
      const pixels = (y1 - y0) * (x1 - x0);
      // 16 levels per channel: invisible at thumbnail size, and it deflates the atlas ~40 % smaller.
      const level = (value: number) => Math.min(255, Math.round(value / 17) * 17);
      out.data.set(a ? [level(r / a), level(g / a), level(b / a), level(a / pixels)] : [0, 0, 0, 0], at);
    }
  }
  return out;
}

function span(i: number, count: number, size: number): [number, number] {
  const start = Math.floor((i * size) / count);
  return [start, Math.max(start + 1, Math.floor(((i + 1) * size) / count))];
}

/** Places `thumbnails` (each `tile` square) into one atlas image; see the file header. */
export function buildAtlas(
  thumbnails: readonly RgbaImage[],
  tile: number,
): { image: RgbaImage; columns: number } {
  const columns = Math.max(1, Math.ceil(Math.sqrt(thumbnails.length)));
  const rows = Math.max(1, Math.ceil(thumbnails.length / columns));
  const image = createImage(columns * tile, rows * tile);
  thumbnails.forEach((thumb, i) => {
    const [cx, cy] = [(i % columns) * tile, Math.floor(i / columns) * tile];
    for (let y = 0; y < tile; y++) {
      const row = thumb.data.subarray(y * tile * 4, (y + 1) * tile * 4);
      image.data.set(row, ((cy + y) * image.width + cx) * 4);
    }
  });
  return { image, columns };
}
