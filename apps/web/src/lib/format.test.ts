import { describe, expect, it } from "vitest";
import { megabytes } from "./format";

describe("megabytes", () => {
  it("shows one decimal from 1 MB and two below", () => {
    expect(megabytes(18_523_000)).toBe("18.5 MB");
    expect(megabytes(129_029)).toBe("0.13 MB");
    expect(megabytes(3_100)).toBe("3 KB");
  });
});
