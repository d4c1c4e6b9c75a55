/**
 * A small curated dataset imported through the real admin route: 14 concepts in 3 categories, most in two
 * styles (sources), with captions that share words across concepts ("red apple" / "green apple" / "red car"),
 * so hard-negative selection has something to find.
 */
import { toBase64 } from "@commonspace/manifest";
import { expect } from "vitest";
import { pngBytes } from "./image-bytes";
import { ADMIN_TOKEN, postJson } from "./api";

/** One item of an import batch (docs/dataset-format.md section 2). */
export interface ImportItem {
  image_base64: string;
  source: string;
  licence: string;
  attribution: string;
  concept: string | null;
  category: string | null;
  captions: string[];
}

const CONCEPTS: [string, string, string[]][] = [
  ["emoji:1f34e", "Food & Drink/food-fruit", ["red apple", "apple", "fruit"]],
  ["emoji:1f34f", "Food & Drink/food-fruit", ["green apple", "apple", "fruit"]],
  ["emoji:1f350", "Food & Drink/food-fruit", ["pear", "fruit"]],
  ["emoji:1f34c", "Food & Drink/food-fruit", ["banana", "yellow fruit"]],
  ["emoji:1f34a", "Food & Drink/food-fruit", ["tangerine", "orange fruit"]],
  ["emoji:1f436", "Animals & Nature/animal-mammal", ["dog face", "dog", "pet"]],
  ["emoji:1f431", "Animals & Nature/animal-mammal", ["cat face", "cat", "pet"]],
  ["emoji:1f42e", "Animals & Nature/animal-mammal", ["cow face", "cow"]],
  ["emoji:1f434", "Animals & Nature/animal-mammal", ["horse face", "horse"]],
  ["emoji:1f697", "Travel & Places/transport-ground", ["red car", "automobile"]],
  ["emoji:1f68c", "Travel & Places/transport-ground", ["bus", "vehicle"]],
  ["emoji:1f6b2", "Travel & Places/transport-ground", ["bicycle", "bike"]],
  ["emoji:1f695", "Travel & Places/transport-ground", ["taxi", "yellow car"]],
  ["emoji:1f691", "Travel & Places/transport-ground", ["ambulance", "vehicle"]],
];

const SOURCES = [
  ["emoji-datasource-google", "Apache-2.0", "Noto Emoji by Google, Apache-2.0"],
  ["emoji-datasource-twitter", "CC-BY-4.0", "Twemoji by Twitter, CC-BY-4.0"],
] as const;

/** Import items for the dataset; `seedOffset` shifts pixel seeds so a second dataset has other SHA-256s. */
export function seedItems(seedOffset = 0): ImportItem[] {
  const items: ImportItem[] = [];
  CONCEPTS.forEach(([concept, category, captions], c) => {
    SOURCES.forEach(([source, licence, attribution], s) => {
      items.push({
        image_base64: toBase64(pngBytes(16, 16, 1000 + seedOffset + c * 2 + s)),
        source,
        licence,
        attribution,
        concept,
        category,
        captions,
      });
    });
  });
  return items;
}

/** Imports {@link seedItems} through POST /v1/admin/import and returns the items. */
export async function importSeedDataset(seedOffset = 0): Promise<ImportItem[]> {
  const items = seedItems(seedOffset);
  const res = await postJson("/v1/admin/import", { items }, ADMIN_TOKEN);
  expect(res.status).toBe(200);
  return items;
}
