// Loads a bundle from a folder (models/default, or a test fixture), checking every file against card.json.
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { loadBundleByCard, type CardBundleOptions } from "../bundle/card-bundle";
import type { ModelBundle } from "../bundle/bundle";
import { BundleFormatError } from "../errors";

/**
 * Loads the bundle in `dir`.
 * @throws BundleFormatError when there is no card.json; IntegrityError when a file differs from its card entry.
 */
export async function loadBundleFromDirectory(
  dir: string,
  options: CardBundleOptions = {},
): Promise<ModelBundle> {
  const root = resolve(dir);
  let card: Uint8Array;
  try {
    card = await readFile(join(root, "card.json"));
  } catch {
    throw new BundleFormatError(
      `${root}/card.json`,
      "missing",
      "a bundle folder written by training/export.py",
    );
  }
  return loadBundleByCard(
    card,
    async (name) => new Uint8Array(await readFile(join(root, name))),
    root,
    options,
  );
}
