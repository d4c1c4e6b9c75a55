// OpenMoji 17 colour SVGs (openmoji/color/svg): base emoji and OpenMoji's own extras, brand logos left out.
import { collectCaptions } from "../captions";
import { emojiConcept, hasPrivateUseCodePoint, nameConcept } from "../concept";
import { emojiCaptions } from "../emoji-captions";
import { SKIN_TONE_CONCEPTS, type EmojiCatalog, type OpenmojiEntry } from "../emoji-catalog";
import { categoryWords, iconNameWords } from "../icon-name";
import type { PackageFiles } from "../package-files";
import { countSkip, type SeedCandidate, type SourceResult } from "./seed-candidate";

const SOURCE = "openmoji";
const LICENCE = "CC-BY-SA-4.0";

/** OpenMoji subgroups left out: trademarked logos are not the project's to license. */
export const OPENMOJI_EXCLUDED_SUBGROUPS = new Set(["brand"]);

/** Attribution OpenMoji asks for, naming the emoji's designer. */
export function openmojiAttribution(author: string): string {
  const by = author.trim() === "" ? "" : ` designed by ${author.trim()},`;
  return (
    `OpenMoji, the open-source emoji and icon project (https://openmoji.org),${by} ` +
    `licensed under CC BY-SA 4.0 (https://creativecommons.org/licenses/by-sa/4.0/); rasterised to 64x64 PNG`
  );
}

const splitTags = (tags: string): string[] => tags.split(",").map((t) => t.trim());

/** Concept of an OpenMoji entry: its emoji code points, or its annotation for private-use extras. */
export function openmojiConcept(entry: OpenmojiEntry): string {
  if (!hasPrivateUseCodePoint(entry.hexcode)) return emojiConcept(entry.hexcode);
  return nameConcept(iconNameWords(entry.annotation).concept.join(" "));
}

function candidate(entry: OpenmojiEntry, files: PackageFiles, catalog: EmojiCatalog): SeedCandidate {
  const concept = openmojiConcept(entry);
  const record = catalog.records.get(concept);
  const ownTags = splitTags(entry.openmoji_tags);
  const captions = record
    ? emojiCaptions(record, { extraKeywords: ownTags })
    : collectCaptions([
        entry.annotation,
        ...[...splitTags(entry.tags), ...ownTags].slice(0, 8),
        categoryWords(entry.subgroups),
        entry.group.startsWith("extras-") ? undefined : categoryWords(entry.group),
      ]);
  return {
    sortKey: entry.hexcode,
    source: SOURCE,
    licence: LICENCE,
    attribution: openmojiAttribution(entry.openmoji_author),
    concept,
    category: record?.category ?? `${entry.group}/${entry.subgroups}`,
    captions,
    image: { kind: "svg", svg: files.readText(`openmoji/color/svg/${entry.hexcode}.svg`) },
  };
}

/** One candidate per OpenMoji entry without a skin tone, except skin-tone swatches and brand logos. */
export function openmojiSource(files: PackageFiles, catalog: EmojiCatalog): SourceResult {
  const entries = files.readJson<OpenmojiEntry[]>("openmoji/data/openmoji.json");
  const skipped: Record<string, number> = {};
  const candidates: SeedCandidate[] = [];
  for (const entry of entries) {
    if (entry.skintone !== "") countSkip(skipped, "skin-tone variation");
    else if (OPENMOJI_EXCLUDED_SUBGROUPS.has(entry.subgroups)) countSkip(skipped, "brand logo");
    else if (!hasPrivateUseCodePoint(entry.hexcode) && SKIN_TONE_CONCEPTS.has(emojiConcept(entry.hexcode))) {
      countSkip(skipped, "skin-tone swatch");
    } else candidates.push(candidate(entry, files, catalog));
  }
  return { source: SOURCE, candidates, skipped };
}
