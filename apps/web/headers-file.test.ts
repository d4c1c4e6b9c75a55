import { describe, expect, it } from "vitest";
import { HeadersFileError, headersFor, parseHeadersFile, readHeadersFile } from "./headers-file";

describe("_headers", () => {
  it("parses patterns with their indented headers and applies every matching rule", () => {
    const rules = parseHeadersFile("# c\n/*\n  A: 1\n  B: x: y\n/sw.js\n  A: 2\n");
    expect(headersFor(rules, "/generate")).toEqual({ A: "1", B: "x: y" });
    expect(headersFor(rules, "/sw.js")).toEqual({ A: "2", B: "x: y" });
  });

  it("refuses a header line before any pattern, or one without a colon", () => {
    expect(() => parseHeadersFile("  A: 1\n")).toThrow(HeadersFileError);
    expect(() => parseHeadersFile("/*\n  no colon\n")).toThrow(/line 2/);
  });

  it("makes every page of the committed file cross-origin isolated", () => {
    const headers = headersFor(readHeadersFile(), "/models");
    expect(headers["Cross-Origin-Opener-Policy"]).toBe("same-origin");
    expect(headers["Cross-Origin-Embedder-Policy"]).toBe("require-corp");
  });
});
