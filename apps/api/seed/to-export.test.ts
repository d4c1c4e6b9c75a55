import { describe, expect, it } from "vitest";
import { formatSeedItem, parseSeedItems } from "./seed-file";
import { FIXTURE_ITEMS } from "./test-fixtures";
import { captionId, exportRows, pairId, parseExport, seedItemsFromExport, snapshotOf } from "./to-export";
import type { ExportPairRow } from "./types";

const seedText = FIXTURE_ITEMS.map((i) => `${formatSeedItem(i)}\n`).join("");

describe("seed export", () => {
  const rows = [...exportRows(parseSeedItems(seedText), { snapshot: snapshotOf(seedText) })];

  it("writes one seed pair per image and caption, in caption order, then an end row", () => {
    expect(rows.map((r) => (r.type === "pair" ? r.caption.text : r.type))).toEqual([
      "red apple",
      "apple",
      "fruit",
      "shopping cart",
      "money shopping",
      "end",
    ]);
    expect(rows.at(-1)).toEqual({ type: "end", snapshot: snapshotOf(seedText), next_cursor: null });
  });

  it("fills the image and pair fields the trainer reads", () => {
    const first = rows[0] as ExportPairRow;
    expect(first).toMatchObject({
      origin: "seed",
      negatives: [],
      positive_votes: 0,
      image: {
        sha256: "a".repeat(64),
        url: `/v1/images/${"a".repeat(64)}`,
        width: 64,
        height: 64,
        type: "image/png",
      },
      caption: { id: captionId("red apple"), text: "red apple" },
    });
    expect(first.image.concept).toBe("emoji:1f34e");
  });

  it("derives ids deterministically: caption ids by text, pair ids by image and text", () => {
    expect(captionId("apple")).toBe(captionId("apple"));
    expect(captionId("apple")).not.toBe(captionId("fruit"));
    expect(pairId("a".repeat(64), "apple")).not.toBe(pairId("b".repeat(64), "apple"));
    const ids = rows.flatMap((r) => (r.type === "pair" ? [r.pair_id] : []));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("round-trips through NDJSON back to the same seed items", () => {
    const text = rows.map((r) => JSON.stringify(r)).join("\n");
    expect(seedItemsFromExport(parseExport(text))).toEqual(FIXTURE_ITEMS);
  });

  it("changes the snapshot id when the seed file changes", () => {
    expect(snapshotOf(seedText)).toMatch(/^seed-[0-9a-f]{16}$/);
    expect(snapshotOf(`${seedText}\n`)).not.toBe(snapshotOf(seedText));
  });
});
