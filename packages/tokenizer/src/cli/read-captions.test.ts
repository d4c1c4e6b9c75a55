// Caption input files: one record per line (text), per non-blank line (NDJSON) or per element (JSON).
import { describe, expect, it } from "vitest";
import { inputFormatOf, parseCaptionRecords, parseInputFormat } from "./read-captions";
import { CaptionInputError, CliUsageError } from "./usage-error";

describe("parseCaptionRecords", () => {
  it("reads one caption per text line, keeping empty lines and dropping the final newline", () => {
    expect(parseCaptionRecords("red apple\r\n\ngreen pear\n", "c.txt")).toEqual([
      "red apple",
      "",
      "green pear",
    ]);
    expect(parseCaptionRecords("\ufeffone", "c.txt")).toEqual(["one"]);
    expect(parseCaptionRecords("", "c.txt")).toEqual([]);
  });

  it("reads NDJSON strings, skipping blank lines", () => {
    expect(parseCaptionRecords('"red apple"\n\n"a\\nb"\n', "c.ndjson")).toEqual(["red apple", "a\nb"]);
  });

  it("picks captions out of objects with a dotted field", () => {
    const lines = ['{"type":"pair","caption":{"text":"red apple"}}', '{"type":"end"}'].join("\n");
    expect(parseCaptionRecords(lines, "export.ndjson", { field: "caption.text" })).toEqual([
      "red apple",
      undefined,
    ]);
    expect(parseCaptionRecords('[{"captions":["a","b"]}]', "seed.json", { field: "captions" })).toEqual([
      ["a", "b"],
    ]);
  });

  it("names the record and the fix when a value is not a caption", () => {
    expect(() => parseCaptionRecords('"ok"\n{"text":"x"}', "c.ndjson")).toThrow(CaptionInputError);
    expect(() => parseCaptionRecords('"ok"\n{"text":"x"}', "c.ndjson")).toThrow(
      /c\.ndjson, record 2: .*--field/,
    );
    expect(() => parseCaptionRecords('"ok"\n{oops', "c.jsonl")).toThrow(/record 2: invalid JSON/);
    expect(() => parseCaptionRecords('{"a":1}', "c.json")).toThrow(/expected a JSON array/);
  });

  it("chooses the format from the extension unless told", () => {
    expect([
      inputFormatOf("a.txt"),
      inputFormatOf("a.JSONL"),
      inputFormatOf("a.json"),
      inputFormatOf("a"),
    ]).toEqual(["text", "ndjson", "json", "text"]);
    expect(parseCaptionRecords('"quoted"', "a.txt", { format: "ndjson" })).toEqual(["quoted"]);
    expect(() => parseInputFormat("csv")).toThrow(CliUsageError);
  });
});
