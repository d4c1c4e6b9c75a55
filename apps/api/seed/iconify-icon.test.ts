import { describe, expect, it } from "vitest";
import { SeedSourceError } from "./errors";
import { iconToSvg, resolveIcon, type IconifyJson } from "./iconify-icon";

const set: IconifyJson = {
  prefix: "test",
  width: 32,
  height: 32,
  icons: {
    "hand-left": { body: '<path d="M0 0h10v10z"/>' },
    tall: { body: "<rect/>", width: 20, top: -1, height: 40, rotate: 1 },
  },
  aliases: {
    "hand-right": { parent: "hand-left", hFlip: true },
    "hand-right-again": { parent: "hand-right" },
    "tall-back": { parent: "tall", rotate: 3 },
  },
};

describe("resolveIcon", () => {
  it("fills in the set's default size", () => {
    expect(resolveIcon(set, "hand-left")).toMatchObject({
      left: 0,
      top: 0,
      width: 32,
      height: 32,
      rotate: 0,
    });
  });

  it("composes transforms along an alias chain", () => {
    expect(resolveIcon(set, "hand-right-again")).toMatchObject({ hFlip: true, vFlip: false });
    expect(resolveIcon(set, "tall-back").rotate).toBe(0);
  });

  it("names a missing icon", () => {
    expect(() => resolveIcon(set, "nope")).toThrow(SeedSourceError);
    expect(() => resolveIcon(set, "nope")).toThrow(/"nope"/);
  });
});

describe("iconToSvg", () => {
  it("puts the icon box in the viewBox", () => {
    expect(iconToSvg(resolveIcon(set, "hand-left"))).toContain('viewBox="0 0 32 32"');
  });

  it("mirrors a horizontally flipped icon about its box", () => {
    expect(iconToSvg(resolveIcon(set, "hand-right"))).toContain('transform="translate(32 0) scale(-1 1)"');
  });

  it("swaps the box of a quarter-turned icon around its centre", () => {
    const svg = iconToSvg(resolveIcon(set, "tall"));
    expect(svg).toContain("rotate(90 10 19)");
    expect(svg).toContain('viewBox="-10 9 40 20"');
  });
});
