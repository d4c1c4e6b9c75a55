import { describe, expect, it } from "vitest";
import { CENTRED, MAX_SIDE, cropRect, sizeProblem } from "./square-crop";

describe("cropRect", () => {
  it("takes the centred largest square of a 12-megapixel photo and scales it to 512", () => {
    expect(cropRect(4000, 3000, CENTRED)).toEqual({ sx: 500, sy: 0, side: 3000, outSide: MAX_SIDE });
  });

  it("moves the square along the free axis and zooms in", () => {
    expect(cropRect(4000, 3000, { zoom: 1, x: 0, y: 0.5 })).toMatchObject({ sx: 0, sy: 0 });
    expect(cropRect(4000, 3000, { zoom: 2, x: 1, y: 1 })).toEqual({
      sx: 2500,
      sy: 1500,
      side: 1500,
      outSide: 512,
    });
  });

  it("keeps small images at their own size and clamps nonsense choices", () => {
    expect(cropRect(64, 64, CENTRED)).toEqual({ sx: 0, sy: 0, side: 64, outSide: 64 });
    expect(cropRect(100, 50, { zoom: 99, x: -3, y: Number.NaN })).toEqual({
      sx: 0,
      sy: 0,
      side: 12,
      outSide: 12,
    });
  });
});

describe("sizeProblem", () => {
  it("refuses an image the API would refuse, naming its size", () => {
    expect(sizeProblem(15, 400)).toContain("15 × 400");
    expect(sizeProblem(16, 16)).toBeUndefined();
  });
});
