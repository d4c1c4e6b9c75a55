// Starts `wrangler dev --local` on a fresh persistence folder for the benchmark, offline (no telemetry, no
// update check, no Request.cf fetch), with migrations applied, and stops its whole process group afterwards.
import { spawn, spawnSync } from "node:child_process";
import { openSync } from "node:fs";
import { join } from "node:path";

/** Offline settings from ENVIRONMENT.md, plus wrangler's logs moved into `stateDir`. */
export function offlineEnv(stateDir) {
  return {
    ...process.env,
    WRANGLER_SEND_METRICS: "false",
    WRANGLER_HIDE_BANNER: "true",
    CLOUDFLARE_CF_FETCH_ENABLED: "false",
    XDG_CONFIG_HOME: join(stateDir, "xdg"),
    CI: "true",
  };
}

/**
 * Applies the D1 migrations and starts wrangler dev on 127.0.0.1:`port`; resolves once /v1/health answers.
 * `vars` are passed with --var and take precedence over .dev.vars.
 */
export async function startWranglerDev({ root, stateDir, port, vars }) {
  const wrangler = join(root, "node_modules", ".bin", "wrangler");
  const env = offlineEnv(stateDir);
  const persist = join(stateDir, "persist");
  const migrate = spawnSync(
    wrangler,
    ["d1", "migrations", "apply", "DB", "--local", "--persist-to", persist],
    {
      cwd: root,
      env,
      encoding: "utf8",
    },
  );
  if (migrate.status !== 0) throw new Error(`migrations failed:\n${migrate.stdout}\n${migrate.stderr}`);
  const log = openSync(join(stateDir, "wrangler-dev.log"), "a");
  const varArgs = Object.entries(vars).flatMap(([name, value]) => ["--var", `${name}:${value}`]);
  const child = spawn(
    wrangler,
    [
      "dev",
      "--local",
      "--persist-to",
      persist,
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      "--log-level",
      "warn",
      ...varArgs,
    ],
    { cwd: root, env, stdio: ["ignore", log, log], detached: true },
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`wrangler dev exited (${child.exitCode}); see ${stateDir}/wrangler-dev.log`);
    try {
      if ((await fetch(`${url}/v1/health`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  if (Date.now() >= deadline) throw new Error("wrangler dev did not become healthy within 180 s");
  return {
    url,
    stop() {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // already gone
      }
    },
  };
}
