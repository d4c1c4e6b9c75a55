import { describe, expect, it } from "vitest";
import { SeedFileError } from "./errors";
import { formatSeedItem, parseSeedItems } from "./seed-file";
import { FIXTURE_ITEMS } from "./test-fixtures";

describe("seed file", () => {
  it("writes fields in the documented order and reads them back", () => {
    const line = formatSeedItem(FIXTURE_ITEMS[0] ?? FIXTURE_ITEMS[1]!);
    expect(Object.keys(JSON.parse(line))).toEqual([
      "sha256",
      "source",
      "licence",
      "attribution",
      "concept",
      "category",
      "captions",
    ]);
    expect(parseSeedItems(`${FIXTURE_ITEMS.map(formatSeedItem).join("\n")}\n\n`)).toEqual(FIXTURE_ITEMS);
  });

  it("names the line and field of a malformed item", () => {
    const bad = JSON.stringify({ ...FIXTURE_ITEMS[0], captions: [] });
    expect(() => parseSeedItems(`${formatSeedItem(FIXTURE_ITEMS[1]!)}\n${bad}`)).toThrow(SeedFileError);
    expect(() => parseSeedItems(`${formatSeedItem(FIXTURE_ITEMS[1]!)}\n${bad}`)).toThrow(
      /line 2: "captions"/,
    );
    expect(() => parseSeedItems("{not json")).toThrow(/line 1 is not JSON/);
  });
});
