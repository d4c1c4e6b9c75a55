// Candidates from one @iconify-json set: each selected icon rendered from its SVG body, with captions
// from its name and category, and emoji concepts for the emoji sets.
import { collectCaptions } from "../captions";
import { nameConcept } from "../concept";
import { emojiCaptions } from "../emoji-captions";
import type { EmojiCatalog } from "../emoji-catalog";
import { SeedSourceError } from "../errors";
import { iconToSvg, resolveIcon, type IconifyJson } from "../iconify-icon";
import { categoryWords, iconNameWords } from "../icon-name";
import type { PackageFiles } from "../package-files";
import { breakWords } from "../word-break";
import { matchEmojiConcept, selectIcons, type IconifyMetadata, type SelectedIcon } from "./iconify-select";
import type { IconifySetConfig } from "./iconify-sets";
import type { SeedCandidate, SourceResult } from "./seed-candidate";

/** The parts of an Iconify `info.json` the seed builder reads. */
export interface IconifyInfo {
  name: string;
  author: { name: string; url?: string };
  license: { title: string; spdx: string; url?: string };
  category?: string;
}

/** Licences (SPDX) an Iconify set may carry to be used for seeding: permissive or attribution-only. */
export const ALLOWED_LICENCES: ReadonlySet<string> = new Set(["MIT", "Apache-2.0", "CC0-1.0", "CC-BY-4.0"]);

/** Shared inputs of the Iconify sources. */
export interface IconifyContext {
  files: PackageFiles;
  catalog: EmojiCatalog;
  /** Words known from emoji names and keywords, to split squashed names. */
  vocabulary: ReadonlySet<string>;
}

/** Attribution text for an Iconify set: set name, author, licence and where to find them. */
export function iconifyAttribution(info: IconifyInfo): string {
  const author = info.author.url ? `${info.author.name} (${info.author.url})` : info.author.name;
  const licence = info.license.url ? `${info.license.title} (${info.license.url})` : info.license.title;
  return `${info.name} by ${author}, licensed under ${licence}; rasterised to 64x64 PNG`;
}

function styleSuffixes(metadata: IconifyMetadata): string[] {
  return Object.keys(metadata.suffixes ?? {}).filter((s) => s !== "" && !/^\d+$/.test(s));
}

interface SetContext extends IconifyContext {
  config: IconifySetConfig;
  info: IconifyInfo;
  suffixes: string[];
}

/** The name with the set's known misspellings fixed. */
function respelled(name: string, set: SetContext): string {
  let fixed = name;
  for (const [wrong, right] of Object.entries(set.config.emoji?.respell ?? {}))
    fixed = fixed.replaceAll(wrong, right);
  return fixed;
}

function captionWords(name: string, set: SetContext): { caption: string; concept: string } {
  const words = iconNameWords(respelled(name, set), {
    prefix: set.config.prefix,
    styleSuffixes: set.suffixes,
  });
  const [only] = words.caption;
  if (set.config.emoji?.squashedNames && words.caption.length === 1 && only !== undefined) {
    const split = breakWords(only, set.vocabulary);
    return { caption: split.join(" "), concept: split.filter((w) => !/^\d+$/.test(w)).join(" ") || only };
  }
  return { caption: words.caption.join(" "), concept: words.concept.join(" ") };
}

function describe(
  icon: SelectedIcon,
  set: SetContext,
): Pick<SeedCandidate, "concept" | "category" | "captions"> {
  const own = captionWords(icon.name, set);
  const lookup = { ...icon, name: respelled(icon.name, set) };
  const emoji = set.config.emoji ? matchEmojiConcept(lookup, set.catalog) : undefined;
  const record = emoji === undefined ? undefined : set.catalog.records.get(emoji);
  if (record !== undefined) {
    // Alias names of emoji sets are mostly machine-made ("flag-for-flag-france"): match on them only.
    const captions = emojiCaptions(record, { extraNames: [own.caption] });
    return { concept: record.concept, category: record.category, captions };
  }
  const aliases = icon.aliasNames.map((a) => captionWords(a, set).caption);
  const category = icon.category ?? set.info.category ?? "";
  const captions = collectCaptions([own.caption, ...aliases, icon.category && categoryWords(icon.category)]);
  return { concept: nameConcept(own.concept), category, captions };
}

/**
 * Words (3+ letters) of every categorised icon name in the given sets, read from their metadata.json;
 * sets with squashed names are left out (their names are what needs splitting).
 */
export function iconifyVocabulary(files: PackageFiles, sets: readonly IconifySetConfig[]): Set<string> {
  const words = new Set<string>();
  for (const { prefix } of sets.filter((s) => !s.emoji?.squashedNames)) {
    const metadata = files.readJson<IconifyMetadata>(`@iconify-json/${prefix}/metadata.json`);
    for (const names of Object.values(metadata.categories ?? {})) {
      for (const name of names)
        for (const word of name.split("-")) if (/^[a-z]{3,}$/.test(word)) words.add(word);
    }
  }
  return words;
}

/** Candidates of one Iconify set, with the set's own licence and attribution on every image. */
export function iconifySource(config: IconifySetConfig, context: IconifyContext): SourceResult {
  const pkg = `@iconify-json/${config.prefix}`;
  const json = context.files.readJson<IconifyJson>(`${pkg}/icons.json`);
  const info = context.files.readJson<IconifyInfo>(`${pkg}/info.json`);
  const metadata = context.files.readJson<IconifyMetadata>(`${pkg}/metadata.json`);
  if (!ALLOWED_LICENCES.has(info.license?.spdx)) {
    throw new SeedSourceError(
      `${pkg} is licensed ${JSON.stringify(info.license?.spdx)}; expected one of ${[...ALLOWED_LICENCES].join(", ")} ` +
        `(remove the set from ICONIFY_SETS, or review its licence and extend ALLOWED_LICENCES)`,
    );
  }
  const extraWords = config.emoji?.extraWords ?? [];
  const vocabulary =
    extraWords.length > 0 ? new Set([...context.vocabulary, ...extraWords]) : context.vocabulary;
  const set: SetContext = { ...context, vocabulary, config, info, suffixes: styleSuffixes(metadata) };
  const { icons, skipped } = selectIcons(json, metadata, config);
  const attribution = iconifyAttribution(info);
  const candidates = icons.map((icon): SeedCandidate => ({
    sortKey: icon.name,
    source: pkg,
    licence: info.license.spdx,
    attribution,
    ...describe(icon, set),
    image: { kind: "svg", svg: iconToSvg(resolveIcon(json, icon.name)) },
  }));
  return { source: pkg, candidates, skipped };
}
