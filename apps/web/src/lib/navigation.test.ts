import { describe, expect, it } from "vitest";
import { NAVIGATION, isCurrent } from "./navigation";

describe("navigation", () => {
  it("marks Home current only on the root path", () => {
    expect(isCurrent("/", "/")).toBe(true);
    expect(isCurrent("/", "/generate")).toBe(false);
  });

  it("marks a section current on its own path and below it, not on a longer sibling", () => {
    expect(isCurrent("/label", "/label")).toBe(true);
    expect(isCurrent("/label", "/label/task-7")).toBe(true);
    expect(isCurrent("/label", "/labels")).toBe(false);
  });

  it("lists every entry once, starting with Home", () => {
    expect(NAVIGATION[0]).toEqual({ href: "/", label: "Home" });
    expect(new Set(NAVIGATION.map((e) => e.href)).size).toBe(NAVIGATION.length);
  });
});
