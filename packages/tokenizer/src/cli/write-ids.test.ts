// Output files of `encode`: raw int32 with mask and sidecar, NDJSON and JSON, all readable without us.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createHandTokenizer } from "../../fixtures/hand-tokenizer";
import { outputFormatOf, writeEncodings, type EncodingMetadata } from "./write-ids";

const hand = createHandTokenizer();
const rows = ["red apple", "", "red apple red apple"].map((text) => hand.encodeFixed(text, 4));
const meta: EncodingMetadata = {
  length: 4,
  padId: 0,
  addSpecialTokens: true,
  padding: "right",
  tokenizerSha256: "ab".repeat(32),
  input: "captions.txt",
};

describe("writeEncodings", () => {
  const dir = mkdtempSync(join(tmpdir(), "tokenizer-ids-"));

  it("writes little-endian int32 ids, a uint8 mask and a sidecar with the shape", async () => {
    const path = join(dir, "ids.bin");
    expect(await writeEncodings(path, rows, meta)).toEqual([path, `${path}.mask`, `${path}.json`]);
    const bytes = readFileSync(path);
    const ids = Array.from({ length: bytes.length / 4 }, (_, i) => bytes.readInt32LE(i * 4));
    expect(ids).toEqual([1, 289, 294, 2, 1, 2, 0, 0, 1, 289, 294, 2]);
    expect([...readFileSync(`${path}.mask`)]).toEqual([1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1]);
    const sidecar = JSON.parse(readFileSync(`${path}.json`, "utf8")) as Record<string, unknown>;
    expect(sidecar).toMatchObject({
      shape: [3, 4],
      ids_dtype: "<i4",
      mask_file: "ids.bin.mask",
      truncated_rows: 1,
    });
  });

  it("writes one JSON object per row as NDJSON", async () => {
    const path = join(dir, "ids.ndjson");
    await writeEncodings(path, rows, meta);
    const lines = readFileSync(path, "utf8").trimEnd().split("\n");
    expect(lines.map((line) => JSON.parse(line) as unknown)[1]).toEqual({
      ids: [1, 2, 0, 0],
      attention_mask: [1, 1, 0, 0],
    });
  });

  it("writes one JSON document with matrices", async () => {
    const path = join(dir, "ids.json");
    await writeEncodings(path, rows, meta);
    const document = JSON.parse(readFileSync(path, "utf8")) as { shape: number[]; ids: number[][] };
    expect(document.shape).toEqual([3, 4]);
    expect(document.ids[2]).toEqual([1, 289, 294, 2]);
  });

  it("chooses the format from the extension", () => {
    expect([outputFormatOf("a.bin"), outputFormatOf("a.jsonl"), outputFormatOf("a.json")]).toEqual([
      "int32",
      "ndjson",
      "json",
    ]);
  });
});
