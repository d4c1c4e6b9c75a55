/**
 * The real API for end-to-end tests: `wrangler dev` on a free port, with its own temporary D1/R2/Durable
 * Object state (migrations applied first) and the offline settings from ENVIRONMENT.md.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { HOST, freePort } from "./free-port";
import { REPO_ROOT, makeTempDir } from "./paths";
import { childEnv, runToCompletion, startProcessGroup } from "./process-group";
import { waitForHttp } from "./wait-for-http";

/** A running API; `stop()` ends it and deletes its state. */
export interface ApiServer {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  /** The wrangler dev output so far, for failure messages. */
  output(): string;
  /** Stops wrangler and workerd (idempotent) and removes the temporary state. */
  stop(): Promise<void>;
}

/** The committed development-only secrets file the test API runs with. */
export const DEV_VARS_EXAMPLE = join(REPO_ROOT, ".dev.vars.example");

/** ADMIN_TOKEN of {@link DEV_VARS_EXAMPLE}, for tests that call admin routes. */
export function devAdminToken(): string {
  const match = /^ADMIN_TOKEN\s*=\s*"?([^"\n]*)"?\s*$/m.exec(readFileSync(DEV_VARS_EXAMPLE, "utf8"));
  if (!match?.[1]) throw new Error(`No ADMIN_TOKEN in ${DEV_VARS_EXAMPLE}: add one (development only).`);
  return match[1];
}

/** Path to wrangler's CLI script, run with this Node rather than through npx. */
function wranglerBin(): string {
  return createRequire(join(REPO_ROOT, "package.json")).resolve("wrangler/bin/wrangler.js");
}

/** Environment that keeps wrangler offline and its logs in `stateDir`. */
function wranglerEnv(stateDir: string): NodeJS.ProcessEnv {
  return childEnv({
    WRANGLER_SEND_METRICS: "false",
    WRANGLER_HIDE_BANNER: "true",
    CLOUDFLARE_CF_FETCH_ENABLED: "false",
    XDG_CONFIG_HOME: join(stateDir, "xdg"),
  });
}

/** Options of {@link startApi}. */
export interface StartApiOptions {
  /** Worker variables to override (`wrangler dev --var NAME:VALUE`), e.g. `{ NEGATIVE_MIN_AGREEING: "1" }`. */
  readonly vars?: Readonly<Record<string, string>>;
}

/** Applies the D1 migrations to fresh local state, starts `wrangler dev`, and waits for `/v1/health`. */
export async function startApi(options: StartApiOptions = {}): Promise<ApiServer> {
  const stateDir = await makeTempDir("api");
  const persistTo = join(stateDir, "wrangler");
  const env = wranglerEnv(stateDir);
  const bin = wranglerBin();
  // CI=true: wrangler takes its default answer instead of asking to confirm the migrations.
  await runToCompletion(
    "wrangler d1 migrations apply",
    process.execPath,
    [bin, "d1", "migrations", "apply", "DB", "--local", "--persist-to", persistTo],
    { cwd: REPO_ROOT, env: { ...env, CI: "true" } },
  ).catch(async (err: unknown) => {
    await rm(stateDir, { recursive: true, force: true });
    throw err;
  });
  const [port, inspectorPort] = [await freePort(), await freePort()];
  const args = ["dev", "--local", "--persist-to", persistTo, "--ip", HOST, "--port", String(port)];
  // The test API always runs on the committed development-only secrets, never on a developer's .dev.vars,
  // so a fresh clone (CI) and a configured checkout behave the same.
  args.push("--env-file", DEV_VARS_EXAMPLE);
  for (const [name, value] of Object.entries(options.vars ?? {})) args.push("--var", `${name}:${value}`);
  args.push("--inspector-port", String(inspectorPort), "--show-interactive-dev-session=false");
  const wrangler = startProcessGroup("wrangler dev", process.execPath, [bin, ...args], {
    cwd: REPO_ROOT,
    env,
  });
  const url = `http://${HOST}:${port}`;
  let stopped: Promise<void> | undefined;
  const stop = () => (stopped ??= wrangler.stop().then(() => rm(stateDir, { recursive: true, force: true })));
  try {
    await waitForHttp(`${url}/v1/health`, { process: wrangler });
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, output: wrangler.output, stop };
}
