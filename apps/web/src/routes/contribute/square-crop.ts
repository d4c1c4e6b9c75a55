// The square a contribution is cut to, in source pixels: the person picks a zoom (1 = the largest square that
// fits) and where the square sits (0..1 along each free axis, 0.5 = centred); the output side is the square's
// side capped at MAX_SIDE, so a 12-megapixel photo leaves the browser as a 512 × 512 image.

/** The longest side uploaded (the models see 32 × 32; 512 keeps the image useful to people and to future models). */
export const MAX_SIDE = 512;
/** The API refuses images with a side under 16 pixels. */
export const MIN_SIDE = 16;

/** Where the square sits and how far it zooms in. */
export interface CropChoice {
  /** 1 (largest square) to 4 (a quarter of it). */
  readonly zoom: number;
  /** 0 (left / top) to 1 (right / bottom) of the room left around the square. */
  readonly x: number;
  readonly y: number;
}

/** A square in source pixels, and the side it is scaled to. */
export interface CropRect {
  readonly sx: number;
  readonly sy: number;
  readonly side: number;
  readonly outSide: number;
}

/** The centred, unzoomed choice. */
export const CENTRED: CropChoice = { zoom: 1, x: 0.5, y: 0.5 };

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, Number.isFinite(value) ? value : low));
}

/** The square of `choice` in an image of `width` × `height`. */
export function cropRect(width: number, height: number, choice: CropChoice): CropRect {
  const zoom = clamp(choice.zoom, 1, 4);
  const side = Math.max(1, Math.floor(Math.min(width, height) / zoom));
  const sx = Math.round((width - side) * clamp(choice.x, 0, 1));
  const sy = Math.round((height - side) * clamp(choice.y, 0, 1));
  return { sx, sy, side, outSide: Math.min(side, MAX_SIDE) };
}

/** Why an image of this size cannot be contributed, or undefined when it can. */
export function sizeProblem(width: number, height: number): string | undefined {
  if (Math.min(width, height) < MIN_SIDE)
    return `The image is ${width} × ${height} pixels; it needs at least ${MIN_SIDE} pixels on each side.`;
  return undefined;
}
