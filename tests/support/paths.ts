/** Where things are, for tests that start the repository's own programs. */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (holds wrangler.toml). */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The web app's workspace. */
export const WEB_DIR = join(REPO_ROOT, "apps", "web");

/** A fresh temporary folder whose name starts with `commonspace-<label>-`. */
export function makeTempDir(label: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `commonspace-${label}-`));
}
