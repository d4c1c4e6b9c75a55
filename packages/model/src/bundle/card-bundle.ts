// Bundles that come without a signed manifest (a folder such as models/default, or the same files served as
// static assets): card.json lists every file with its SHA-256 and size, and each file is checked against it.
// This proves integrity (no corrupted or truncated weights), not authorship: only a signed manifest does that.
import { sha256Hex, type BundleRole, type Precision } from "@commonspace/manifest";
import { DownloadError, IntegrityError } from "../errors";
import {
  assembleBundle,
  precisionPreference,
  LOADED_ROLES,
  selectFiles,
  type BundleFile,
  type ModelBundle,
} from "./bundle";
import { parseCard } from "./card";

/** Options for loading a bundle by its card. */
export interface CardBundleOptions {
  /** Roles to load (default LOADED_ROLES: the runtime roles, and the optional ones the bundle has). */
  roles?: readonly BundleRole[];
  /** Precisions to prefer, best first. */
  precisions?: readonly Precision[];
}

/**
 * Loads a bundle given its card.json bytes and a reader for the other files by name.
 * @throws IntegrityError when a file differs from its card entry; BundleFormatError for a bad card.
 */
export async function loadBundleByCard(
  cardBytes: Uint8Array,
  read: (name: string) => Promise<Uint8Array>,
  source: string,
  options: CardBundleOptions = {},
): Promise<ModelBundle> {
  const card = parseCard(new TextDecoder().decode(cardBytes));
  const roles = (options.roles ?? LOADED_ROLES).filter((role) => role !== "card");
  const chosen = selectFiles(card.files, roles, options.precisions ?? precisionPreference(false));
  const files: BundleFile[] = [
    {
      name: "card.json",
      role: "card",
      sha256: await sha256Hex(cardBytes),
      precision: undefined,
      bytes: cardBytes,
    },
  ];
  for (const entry of chosen) {
    const bytes = await read(entry.name);
    const sha256 = await sha256Hex(bytes);
    if (sha256 !== entry.sha256 || bytes.length !== entry.bytes) {
      throw new IntegrityError(`${source}/${entry.name}`, entry, { sha256, bytes: bytes.length });
    }
    files.push({
      name: entry.name,
      role: entry.role as BundleRole,
      sha256,
      precision: entry.precision,
      bytes,
    });
  }
  return assembleBundle(files, undefined, source);
}

/**
 * Loads a bundle served as static files under `baseUrl` (e.g. models/default copied into a web app's assets).
 * Files are checked against card.json; no cache is used (the HTTP cache applies).
 */
export async function loadBundleFromUrl(
  baseUrl: string | URL,
  options: CardBundleOptions & { fetch?: typeof fetch; signal?: AbortSignal } = {},
): Promise<ModelBundle> {
  const base = String(baseUrl).endsWith("/") ? String(baseUrl) : `${String(baseUrl)}/`;
  const fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const get = async (name: string): Promise<Uint8Array> => {
    const url = new URL(name, base).toString();
    const response = await fetchImpl(url, { signal: options.signal ?? null });
    if (!response.ok) throw new DownloadError(url, response.status, `HTTP ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  };
  return loadBundleByCard(await get("card.json"), get, base, options);
}
