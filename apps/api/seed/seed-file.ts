// Reading and writing `seed.ndjson` (docs/dataset-format.md section 1).
import { readFileSync } from "node:fs";
import { SeedFileError } from "./errors";
import type { SeedItem } from "./types";

const STRING_FIELDS = ["sha256", "source", "licence", "attribution", "concept", "category"] as const;

/** Checks one parsed line against the seed item shape; `where` names the line in error messages. */
export function toSeedItem(value: unknown, where: string): SeedItem {
  const v = value as Record<string, unknown> | null;
  const bad = (what: string): never => {
    throw new SeedFileError(`${where}: ${what}; expected a seed item (docs/dataset-format.md section 1)`);
  };
  if (typeof v !== "object" || v === null || Array.isArray(v)) return bad("not a JSON object");
  for (const field of STRING_FIELDS) if (typeof v[field] !== "string") bad(`"${field}" is not a string`);
  if (!/^[0-9a-f]{64}$/.test(v.sha256 as string))
    bad(`"sha256" ${JSON.stringify(v.sha256)} is not 64 hex digits`);
  const captions = v.captions;
  if (!Array.isArray(captions) || captions.length === 0 || !captions.every((c) => typeof c === "string")) {
    bad(`"captions" is not a non-empty array of strings`);
  }
  return {
    sha256: v.sha256 as string,
    source: v.source as string,
    licence: v.licence as string,
    attribution: v.attribution as string,
    concept: v.concept as string,
    category: v.category as string,
    captions: captions as string[],
  };
}

/** One seed item as its NDJSON line (fields in the documented order, no trailing newline). */
export function formatSeedItem(item: SeedItem): string {
  const { sha256, source, licence, attribution, concept, category, captions } = item;
  return JSON.stringify({ sha256, source, licence, attribution, concept, category, captions });
}

/** Parses NDJSON text of seed items; blank lines are ignored. */
export function parseSeedItems(text: string, name = "seed.ndjson"): SeedItem[] {
  const items: SeedItem[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (cause) {
      throw new SeedFileError(`${name} line ${i + 1} is not JSON; rebuild it with npm run seed:build`, {
        cause,
      });
    }
    items.push(toSeedItem(value, `${name} line ${i + 1}`));
  });
  return items;
}

/** Reads a `seed.ndjson` file. */
export function readSeedFile(path: string): SeedItem[] {
  return parseSeedItems(readFileSync(path, "utf8"), path);
}
