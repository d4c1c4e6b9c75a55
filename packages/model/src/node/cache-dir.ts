// Where the Node CLI and scripts cache verified model files by default.
import { homedir } from "node:os";
import { join } from "node:path";

/** `$COMMONSPACE_CACHE`, else `$XDG_CACHE_HOME/commonspace/models`, else `~/.cache/commonspace/models`. */
export function defaultCacheDir(): string {
  if (process.env["COMMONSPACE_CACHE"]) return process.env["COMMONSPACE_CACHE"];
  return join(process.env["XDG_CACHE_HOME"] ?? join(homedir(), ".cache"), "commonspace", "models");
}
