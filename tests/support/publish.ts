/** Publishes a bundle folder to a test API with the repository's own publish script (and points a channel at it). */
import { join } from "node:path";
import { devAdminToken } from "./api-server";
import { REPO_ROOT } from "./paths";
import { runToCompletion } from "./process-group";

const PUBLISH = join(REPO_ROOT, "apps/api/scripts/publish-bundle.mjs");

/** Runs `publish-bundle.mjs --dir <dir> --channel <channel>` against `api`. */
export async function publishBundle(api: string, dir: string, channel = "stable"): Promise<void> {
  await runToCompletion(
    "publish-bundle",
    process.execPath,
    [PUBLISH, "--dir", dir, "--api", api, "--token", devAdminToken(), "--channel", channel],
    { cwd: REPO_ROOT },
  );
}
