import { describe, expect, it } from "vitest";
import { PngFormatError } from "./errors";
import { PNG_SIGNATURE, decodePng, isSeedPng } from "./png";
import { fitSvgDocument, rasteriseSvg } from "./rasterise";

const alphaAt = (rgba: Uint8Array, x: number, y: number): number => rgba[(y * 64 + x) * 4 + 3] ?? -1;

describe("rasteriseSvg", () => {
  it("renders an SVG to a 64x64 RGBA PNG", () => {
    const png = rasteriseSvg(
      '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><circle cx="8" cy="8" r="6" fill="red"/></svg>',
    );
    expect([...png.subarray(0, 8)]).toEqual([...PNG_SIGNATURE]);
    expect(isSeedPng(png)).toBe(true);
  });

  it("keeps the background transparent", () => {
    const { rgba } = decodePng(
      rasteriseSvg(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><circle cx="8" cy="8" r="2"/></svg>',
      ),
    );
    expect(alphaAt(rgba, 0, 0)).toBe(0);
    expect(alphaAt(rgba, 32, 32)).toBe(255);
  });

  it("centres a wide drawing without stretching it", () => {
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100"><rect width="200" height="100" fill="#00f"/></svg>';
    const { width, height, rgba } = decodePng(rasteriseSvg(svg));
    expect([width, height]).toEqual([64, 64]);
    expect(alphaAt(rgba, 32, 4)).toBe(0);
    expect(alphaAt(rgba, 32, 32)).toBe(255);
    expect(alphaAt(rgba, 32, 60)).toBe(0);
  });

  it("is deterministic", () => {
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><path d="M1 1L9 5L1 9z" fill="green"/></svg>';
    expect(rasteriseSvg(svg)).toEqual(rasteriseSvg(svg));
  });
});

describe("fitSvgDocument", () => {
  it("replaces the root size and derives a viewBox from it", () => {
    const fitted = fitSvgDocument(
      '<svg xmlns="http://www.w3.org/2000/svg" width="72" height="36"><g stroke-width="2"/></svg>',
    );
    expect(fitted).toMatch(/^<svg width="64" height="64" viewBox="0 0 72 36" xmlns=/);
    expect(fitted).toContain('stroke-width="2"');
  });

  it("rejects text without an svg root", () => {
    expect(() => fitSvgDocument("<html/>")).toThrow(PngFormatError);
  });
});
