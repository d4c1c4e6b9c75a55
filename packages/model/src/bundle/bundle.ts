// A model bundle in memory: the verified bytes of each file the runtime needs, found by role, and the card.
// Where the bytes came from (the API, a folder, a test) does not matter past this point.
import {
  OPTIONAL_ROLES,
  ROLE_KINDS,
  RUNTIME_ROLES,
  type BundleRole,
  type Manifest,
  type Precision,
} from "@commonspace/manifest";
import { BundleFormatError } from "../errors";
import { parseCard, type ModelCard } from "./card";

/** Roles the runtime loads, card first (@commonspace/manifest's role list). */
export { OPTIONAL_ROLES, RUNTIME_ROLES } from "@commonspace/manifest";

/**
 * What a loader fetches by default: every runtime role, then the optional ones (the masked generator), which
 * are skipped when the bundle has no usable file of them.
 */
export const LOADED_ROLES: readonly BundleRole[] = [...RUNTIME_ROLES, ...OPTIONAL_ROLES];

/** One verified file. */
export interface BundleFile {
  readonly name: string;
  readonly role: BundleRole;
  readonly sha256: string;
  readonly precision: Precision | undefined;
  readonly bytes: Uint8Array;
}

/** A loaded bundle. */
export interface ModelBundle {
  readonly card: ModelCard;
  /** One file per runtime role, and per optional role the bundle has. */
  readonly files: ReadonlyMap<BundleRole, BundleFile>;
  /** The signed manifest, when the bundle came from the API. */
  readonly manifest: Manifest | undefined;
  /** Where it came from, e.g. `"https://api.example/v1/models/channels/stable"` or a folder path. */
  readonly source: string;
}

/** A file entry to choose from (manifest or card). */
export interface FileEntry {
  readonly name: string;
  readonly role: string;
  readonly precision?: Precision | undefined;
}

/**
 * The precisions to prefer, best first. Fully-fp16 graphs need WebGPU's `shader-f16` (elsewhere they can
 * silently compute zeros), so they come first only when it is there and are left out otherwise.
 */
export function precisionPreference(shaderF16: boolean): readonly Precision[] {
  const common: Precision[] = ["fp16-weights", "fp32", "int8-weights", "int8"];
  return shaderF16 ? ["fp16", ...common] : common;
}

/**
 * Picks one entry per wanted role: the first precision of `preference` that the bundle has (no precision counts
 * as fp32). An optional role (ROLE_KINDS "optional") with no usable file is left out: the bundle runs without it.
 * @throws BundleFormatError when a wanted role of another kind has no usable file.
 */
export function selectFiles<T extends FileEntry>(
  entries: readonly T[],
  roles: readonly BundleRole[],
  preference: readonly Precision[],
): T[] {
  return roles.flatMap((role) => {
    const candidates = entries.filter((e) => e.role === role);
    const rank = (e: T): number => {
      const at = preference.indexOf(e.precision ?? "fp32");
      return at < 0 ? Infinity : at;
    };
    const best = candidates.filter((e) => rank(e) < Infinity).sort((a, b) => rank(a) - rank(b))[0];
    if (!best && ROLE_KINDS[role] === "optional") return [];
    if (!best) {
      const found = candidates.map((e) => `${e.name} (${e.precision ?? "fp32"})`).join(", ") || "no file";
      throw new BundleFormatError(
        `the bundle's ${role} file`,
        found,
        `one of precision ${preference.join(", ")}`,
      );
    }
    return [best];
  });
}

/** Assembles a bundle from verified files; parses the card and the tokenizer check. */
export function assembleBundle(
  files: readonly BundleFile[],
  manifest: Manifest | undefined,
  source: string,
): ModelBundle {
  const byRole = new Map<BundleRole, BundleFile>(files.map((f) => [f.role, f]));
  const cardFile = byRole.get("card");
  if (!cardFile) throw new BundleFormatError("the bundle's card file", "missing", "card.json with role card");
  const card = parseCard(new TextDecoder().decode(cardFile.bytes));
  for (const file of files) {
    const listed = card.files.find((f) => f.name === file.name);
    if (listed && listed.sha256 !== file.sha256) {
      throw new BundleFormatError(
        `card.json's entry for ${file.name}`,
        listed.sha256,
        `the manifest's ${file.sha256}`,
      );
    }
  }
  return { card, files: byRole, manifest, source };
}
