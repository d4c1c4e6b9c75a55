import { describe, expect, it } from "vitest";
import { DatasetIndexError, DatasetNeighbours } from "./dataset-neighbours";

const hash = (c: string) => c.repeat(64);

/** index.json and index-embeddings.bin for 2-D rows (int8 values, scale 1/127 each). */
function index(rows: [number, number][], hashes = rows.map((_, i) => hash("abcdef"[i]!))) {
  const json = JSON.stringify({
    format: "commonspace-dataset-index/1",
    count: rows.length,
    dim: 2,
    embeddings: { encoding: "int8-row-scale" },
    images: { sha256: hashes },
  });
  const bytes = new Uint8Array(rows.length * 2 + rows.length * 4);
  const view = new DataView(bytes.buffer);
  rows.forEach(([x, y], row) => {
    view.setInt8(row * 2, x);
    view.setInt8(row * 2 + 1, y);
    view.setFloat32(rows.length * 2 + row * 4, 1 / 127, true);
  });
  return { json, bytes };
}

describe("DatasetNeighbours", () => {
  it("ranks rows by cosine, not by length, and leaves the query out", () => {
    // a (1, 0); b far along a's direction; c at 45°; d opposite.
    const { json, bytes } = index([
      [127, 0],
      [20, 1],
      [90, 90],
      [-127, 0],
    ]);
    const neighbours = new DatasetNeighbours(json, bytes);
    expect(neighbours.nearest(hash("a"), 3)).toEqual([hash("b"), hash("c"), hash("d")]);
    expect(neighbours.nearest(hash("a"), 1)).toEqual([hash("b")]);
    expect(neighbours.nearest(hash("d"), 2)).toEqual([hash("c"), hash("b")]);
  });

  it("answers no neighbours for an image missing from the index", () => {
    const { json, bytes } = index([
      [127, 0],
      [0, 127],
    ]);
    expect(new DatasetNeighbours(json, bytes).nearest(hash("9"), 5)).toEqual([]);
  });

  it("refuses an embeddings file whose size does not match count × dim, naming both", () => {
    const { json, bytes } = index([
      [127, 0],
      [0, 127],
    ]);
    expect(() => new DatasetNeighbours(json, bytes.subarray(0, 10))).toThrow(DatasetIndexError);
    expect(() => new DatasetNeighbours(json, bytes.subarray(0, 10))).toThrow(/is 10, expected 12 bytes/);
    expect(() => new DatasetNeighbours(json.replace("/1", "/2"), bytes)).toThrow(/format/);
  });
});
