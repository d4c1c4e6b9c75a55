// The tokenizer must run in browsers, Node and workerd: no Node-only APIs, fetching or storage outside the CLI,
// and an index that names its exports.
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SOURCE_DIR = fileURLToPath(new URL(".", import.meta.url));
const LIBRARY_FILES = readdirSync(SOURCE_DIR).filter(
  (file) => file.endsWith(".ts") && !file.endsWith(".test.ts"),
);
const FORBIDDEN = [
  /from "node:/,
  /\bprocess\./,
  /\bBuffer\b/,
  /\brequire\(/,
  /\bfetch\(/,
  /\bcaches\./,
  /localStorage/,
  /indexedDB/,
];

describe("library purity", () => {
  it.each(LIBRARY_FILES)("%s uses no Node-only, network or storage API", (file) => {
    const source = readFileSync(SOURCE_DIR + file, "utf8");
    for (const pattern of FORBIDDEN) expect(source, `${file} matches ${pattern}`).not.toMatch(pattern);
  });

  it("index.ts lists its exports by name and leaves the CLI out", () => {
    const index = readFileSync(SOURCE_DIR + "index.ts", "utf8");
    expect(index).not.toMatch(/export \*/);
    expect(index).not.toMatch(/\.\/cli/);
  });
});
