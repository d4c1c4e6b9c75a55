// Google (Noto) and Twitter (Twemoji) emoji from emoji-datasource-*: the 64px PNGs, base emoji only.
import { emojiConcept } from "../concept";
import { emojiCaptions } from "../emoji-captions";
import { SKIN_TONE_CONCEPTS, type EmojiCatalog, type EmojiDatasourceEntry } from "../emoji-catalog";
import type { PackageFiles } from "../package-files";
import { countSkip, type SourceResult } from "./seed-candidate";

/** The emoji-datasource image sets used for seeding. */
export type EmojiDatasourceSet = "google" | "twitter";

const PROVENANCE: Record<EmojiDatasourceSet, { licence: string; attribution: string }> = {
  google: {
    licence: "Apache-2.0",
    attribution:
      "Noto Emoji by Google (https://github.com/googlefonts/noto-emoji), Apache-2.0, via emoji-datasource-google",
  },
  twitter: {
    licence: "CC-BY-4.0",
    attribution:
      "Twemoji by Twitter, Inc and other contributors (https://github.com/jdecked/twemoji), " +
      "licensed under CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/), via emoji-datasource-twitter",
  },
};

type DatasourceEntryWithFlags = EmojiDatasourceEntry &
  Record<`has_img_${EmojiDatasourceSet}`, boolean> & { skin_variations?: Record<string, unknown> };

/**
 * One candidate per base emoji that has an image in the set; skin-tone variations (`skin_variations`) and
 * the skin-tone swatches are left out.
 */
export function emojiDatasourceSource(
  set: EmojiDatasourceSet,
  files: PackageFiles,
  catalog: EmojiCatalog,
): SourceResult {
  const source = `emoji-datasource-${set}`;
  const entries = files.readJson<DatasourceEntryWithFlags[]>(`${source}/emoji.json`);
  const skipped: Record<string, number> = {};
  const candidates = [];
  for (const entry of entries) {
    const concept = emojiConcept(entry.unified);
    const record = catalog.records.get(concept);
    for (const _variation of Object.keys(entry.skin_variations ?? {}))
      countSkip(skipped, "skin-tone variation");
    if (SKIN_TONE_CONCEPTS.has(concept)) countSkip(skipped, "skin-tone swatch");
    else if (!entry[`has_img_${set}`]) countSkip(skipped, "no image in set");
    else if (record === undefined) countSkip(skipped, "not in catalog");
    else {
      candidates.push({
        sortKey: `${String(entry.sort_order).padStart(6, "0")}/${entry.unified}`,
        source,
        ...PROVENANCE[set],
        concept,
        category: record.category,
        captions: emojiCaptions(record),
        image: { kind: "png" as const, path: files.resolve(`${source}/img/${set}/64/${entry.image}`) },
      });
    }
  }
  return { source, candidates, skipped };
}
