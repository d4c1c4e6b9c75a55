// Which names of an Iconify set become seed images, and which emoji an emoji-set icon name stands for.
import { squashName, type EmojiCatalog } from "../emoji-catalog";
import { aliasTransforms, type IconifyJson } from "../iconify-icon";
import type { IconifySetConfig } from "./iconify-sets";

/** The parts of an Iconify `metadata.json` the seed builder reads. */
export interface IconifyMetadata {
  categories?: Record<string, string[]>;
  suffixes?: Record<string, string>;
}

/** A name to render, with the plain aliases (other names for the same drawing) that point at it. */
export interface SelectedIcon {
  name: string;
  aliasNames: string[];
  /** First metadata category listing the icon, if any. */
  category?: string;
}

/** Selected names and the reasons others were left out. */
export interface IconSelection {
  icons: SelectedIcon[];
  skipped: Record<string, number>;
}

function categoryIndex(metadata: IconifyMetadata): Map<string, string> {
  const index = new Map<string, string>();
  for (const [category, names] of Object.entries(metadata.categories ?? {})) {
    for (const name of names) if (!index.has(name)) index.set(name, category);
  }
  return index;
}

function sizeOf(name: string): { base: string; size: number } {
  const match = /^(.*)-(\d+)$/.exec(name);
  return match ? { base: match[1] ?? name, size: Number(match[2]) } : { base: name, size: 0 };
}

/**
 * Visible icons plus aliases that flip or rotate their parent (a different drawing), minus hidden ones,
 * excluded categories and names, skin-tone variants whose base exists, and smaller design sizes.
 */
export function selectIcons(
  json: IconifyJson,
  metadata: IconifyMetadata,
  config: IconifySetConfig,
): IconSelection {
  const skipped: Record<string, number> = {};
  const skip = (reason: string): void => {
    skipped[reason] = (skipped[reason] ?? 0) + 1;
  };
  const categories = categoryIndex(metadata);
  const plainAliases = new Map<string, string[]>();
  const names: string[] = [];
  for (const [name, icon] of Object.entries(json.icons)) {
    if (icon.hidden) skip("hidden");
    else names.push(name);
  }
  for (const [alias, data] of Object.entries(json.aliases ?? {})) {
    if (data.hidden) skip("hidden");
    else if (aliasTransforms(data)) names.push(alias);
    else plainAliases.set(data.parent, [...(plainAliases.get(data.parent) ?? []), alias]);
  }
  const all = new Set(names);
  const largest = new Map<string, number>();
  for (const name of names) {
    const { base, size } = sizeOf(name);
    largest.set(base, Math.max(largest.get(base) ?? 0, size));
  }
  const icons: SelectedIcon[] = [];
  for (const name of names.sort()) {
    const category = categories.get(name);
    const tone = config.emoji?.skinToneSuffix;
    if (category !== undefined && config.excludeCategories?.includes(category)) skip(`category ${category}`);
    else if (config.excludeNames?.includes(name)) skip("excluded name");
    else if (tone && tone.test(name) && all.has(name.replace(tone, ""))) skip("skin-tone variant");
    else if (config.largestSizeOnly && sizeOf(name).size < (largest.get(sizeOf(name).base) ?? 0)) {
      skip("smaller design size");
    } else icons.push({ name, aliasNames: (plainAliases.get(name) ?? []).sort(), category });
  }
  return { icons, skipped };
}

/**
 * Spellings to try for an emoji-set icon name: EmojiOne says "flag-for-canada" where CLDR says "flag: Canada"
 * and "flag-for-black-flag" for "black flag"; Fluent says "blonde" where CLDR says "blond".
 */
export function nameVariants(name: string): string[] {
  const variants = [name, name.replace(/^flag-for-/, "flag-"), name.replace(/^flag-for-/, "")];
  return [...variants, ...variants.map((v) => v.replace(/blonde/g, "blond"))];
}

/** Concept of the emoji an icon (or one of its plain aliases) is named after, if any. */
export function matchEmojiConcept(icon: SelectedIcon, catalog: EmojiCatalog): string | undefined {
  for (const name of [icon.name, ...icon.aliasNames]) {
    for (const variant of nameVariants(name)) {
      const concept = catalog.byName.get(squashName(variant));
      if (concept !== undefined) return concept;
    }
  }
  return undefined;
}
