import { describe, expect, it } from "vitest";
import { z } from "zod";
import { decodeCursor, encodeCursor } from "./cursor";

const shape = z.object({ after: z.number().int().nonnegative() });

describe("cursors", () => {
  it("round-trip through an opaque URL-safe string", () => {
    const cursor = encodeCursor({ after: 12345 });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, shape)).toEqual({ after: 12345 });
  });

  it.each([
    "",
    "%%%",
    "bm90IGpzb24",
    encodeCursor({ after: -1 }),
    encodeCursor({ before: 1 }),
    encodeCursor("x"),
  ])("refuse %j with 400 invalid_cursor", (cursor) => {
    expect(() => decodeCursor(cursor, shape)).toThrow(
      expect.objectContaining({ status: 400, code: "invalid_cursor" }),
    );
  });
});
