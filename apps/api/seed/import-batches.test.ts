import { describe, expect, it } from "vitest";
import { SeedOptionError } from "./errors";
import { toImportBatches } from "./import-batches";
import { FIXTURE_ITEMS } from "./test-fixtures";
import type { SeedItemWithImage } from "./types";

const withPng = (n: number): SeedItemWithImage[] =>
  Array.from({ length: n }, (_, i) => ({
    ...(FIXTURE_ITEMS[i % 2] as SeedItemWithImage),
    png: Uint8Array.of(i % 256, 1, 2),
  }));

describe("toImportBatches", () => {
  it("splits items into bodies of at most 100 by default", () => {
    expect([...toImportBatches(withPng(250))].map((b) => b.items.length)).toEqual([100, 100, 50]);
  });

  it("honours a smaller batch size and yields nothing for no items", () => {
    expect([...toImportBatches(withPng(5), { batchSize: 2 })].map((b) => b.items.length)).toEqual([2, 2, 1]);
    expect([...toImportBatches([])]).toEqual([]);
  });

  it("carries the PNG as base64 and every seed field but the hash", () => {
    const [batch] = [...toImportBatches(withPng(1))];
    const item = batch?.items[0];
    expect(item).toEqual({
      image_base64: Buffer.from([0, 1, 2]).toString("base64"),
      source: "emoji-datasource-google",
      licence: "Apache-2.0",
      attribution: "Noto Emoji by Google, Apache-2.0",
      concept: "emoji:1f34e",
      category: "Food & Drink/food-fruit",
      captions: ["red apple", "apple", "fruit"],
    });
  });

  it.each([0, 101, 2.5])("rejects batch size %s", (batchSize) => {
    expect(() => [...toImportBatches(withPng(1), { batchSize })]).toThrow(SeedOptionError);
  });
});
