import { describe, expect, it } from "vitest";
import { linearScale } from "./linear-scale";

describe("linearScale", () => {
  it("maps the domain onto the range and follows new domains (pan, zoom)", () => {
    const scale = linearScale([-1, 1], [0, 200]);
    expect([scale(-1), scale(0), scale(1)]).toEqual([0, 100, 200]);
    scale.domain([0, 1]);
    expect(scale(0.5)).toBe(100);
    expect(scale.range([400, 0])(0)).toBe(400);
  });
});
