#!/usr/bin/env node
// `npm run dev`: the API (wrangler dev on local, persisted D1/R2/Durable Objects, migrations applied) and the
// web app (vite dev) together, offline. Prints the URLs once they answer; Ctrl-C (or SIGTERM, or any of them
// exiting) stops them all, whole process groups included. Once the API answers it seeds the dataset (first
// start) and publishes models/default to the `stable` channel (when that card is new), so the Generate page
// loads its weights from the API as in production. Plain Node, no dependencies beyond node_modules.
// It also serves the embeddable widget's demo page on an origin of its own (scripts/widget-demo.mjs), with the
// widget rebuilt on every change (`vite build --watch -c vite.widget.config.ts` into .state/widget) and served
// from a third origin, as a real third-party site would embed it (docs/widget.md).
//
// Environment: API_PORT (default 8787), WEB_PORT (default 5173), DEMO_PORT (default 5174), WIDGET_PORT (default
// 5175), DEV_MODEL_DIR (bundle folder to publish instead of models/default).
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const STATE = join(ROOT, ".state");
const PERSIST_TO = join(STATE, "wrangler");
const SEEDED_MARK = join(STATE, "seeded");
const HOST = "127.0.0.1";
const API_PORT = parsePort("API_PORT", 8787);
const WEB_PORT = parsePort("WEB_PORT", 5173);
const DEMO_PORT = parsePort("DEMO_PORT", 5174);
const WIDGET_PORT = parsePort("WIDGET_PORT", 5175);
const API_URL = `http://${HOST}:${API_PORT}`;
const WEB_URL = `http://${HOST}:${WEB_PORT}`;
const DEMO_URL = `http://${HOST}:${DEMO_PORT}`;
const WIDGET_DIR = join(STATE, "widget");
const READY_TIMEOUT_MS = 180_000;
const STOP_GRACE_MS = 5_000;

/** Variables that keep wrangler offline and its logs inside the repository (see ENVIRONMENT.md). */
const ENV = {
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  WRANGLER_HIDE_BANNER: "true",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  XDG_CONFIG_HOME: join(STATE, "xdg"),
};

/** @typedef {{ name: string, child: import("node:child_process").ChildProcess, exited: Promise<number | null> }} Managed */
/** @type {Set<Managed>} */
const running = new Set();
let stopping = false;

function parsePort(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    fail(`${name}=${JSON.stringify(raw)} is not a port: use a whole number from 1 to 65535.`);
  }
  return port;
}

function log(message) {
  console.log(`dev  │ ${message}`);
}

function fail(message) {
  console.error(`dev  │ error: ${message}`);
  process.exit(1);
}

/** Path of a package's bin script, resolved from `fromDir` the way npm would. */
function binPath(pkg, bin, fromDir) {
  const manifestPath = createRequire(join(fromDir, "package.json")).resolve(`${pkg}/package.json`);
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
  const rel = typeof manifest.bin === "string" ? manifest.bin : manifest.bin?.[bin];
  if (!rel) fail(`${pkg} has no "${bin}" binary: run \`npm install\` at the repository root.`);
  return join(dirname(manifestPath), rel);
}

/** Starts `command` in its own process group, prefixing each output line with `name`. */
function start(name, command, args, options = {}) {
  const child = spawn(command, args, {
    cwd: options.cwd ?? ROOT,
    env: options.env ?? ENV,
    detached: true, // own process group, so stopping it also stops workerd / esbuild children
    stdio: ["ignore", "pipe", "pipe"],
  });
  const prefix = `${name.padEnd(4)} │ `;
  for (const stream of [child.stdout, child.stderr]) {
    let pending = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk) => {
      const lines = (pending + chunk).split(/\r?\n/);
      pending = lines.pop() ?? "";
      for (const line of lines)
        (stream === child.stderr ? process.stderr : process.stdout).write(prefix + line + "\n");
    });
    stream.on("end", () => pending && process.stdout.write(prefix + pending + "\n"));
  }
  const exited = new Promise((resolve) => {
    child.on("error", (err) => {
      console.error(`${prefix}could not start ${command}: ${err.message}`);
      resolve(null);
    });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 128 : null)));
  });
  const managed = { name, child, exited };
  running.add(managed);
  exited.then(() => running.delete(managed));
  return managed;
}

/** Sends `signal` to a child's whole process group; false when the group is gone. */
function signalGroup(managed, signal) {
  if (managed.child.pid === undefined) return false;
  try {
    process.kill(-managed.child.pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Stops every running group: SIGTERM, then SIGKILL for whatever is left after the grace period. */
async function stopAll(reason, exitCode) {
  if (stopping) return; // npm forwards Ctrl-C as a second SIGINT: one stop is enough
  stopping = true;
  log(`${reason}: stopping ${[...running].map((m) => m.name).join(" and ") || "nothing"}…`);
  const groups = [...running];
  for (const m of groups) signalGroup(m, "SIGTERM");
  const grace = new Promise((resolve) => setTimeout(resolve, STOP_GRACE_MS).unref());
  await Promise.race([Promise.all(groups.map((m) => m.exited)), grace]);
  // The group leader may be gone while its children (workerd) linger: sweep every group.
  for (const m of groups) signalGroup(m, "SIGKILL");
  log("stopped.");
  process.exit(exitCode);
}

/** Resolves once `url` answers 2xx; rejects after `timeoutMs` or if `managed` exits first. */
async function waitUntilAnswering(url, managed, timeoutMs = READY_TIMEOUT_MS) {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  managed.exited.then(() => (exited = true));
  let last = "no answer yet";
  while (Date.now() < deadline && !exited && !stopping) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(3_000) });
      if (res.ok) return;
      last = `HTTP ${res.status}: ${(await res.text()).slice(0, 200)}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  if (stopping) return new Promise(() => {}); // a stop is under way and will exit the process
  throw new Error(
    exited ? `${managed.name} exited before ${url} answered` : `${url} did not answer (${last})`,
  );
}

async function assertPortFree(port, variable) {
  await new Promise((resolve) => {
    const server = createServer();
    server.once("error", () =>
      fail(
        `port ${port} on ${HOST} is in use. Stop whatever holds it, or choose another: ${variable}=<port> npm run dev`,
      ),
    );
    server.listen(port, HOST, () => server.close(resolve));
  });
}

function prepareLocalState() {
  mkdirSync(join(STATE, "xdg"), { recursive: true });
  const vars = join(ROOT, ".dev.vars");
  if (!existsSync(vars)) {
    copyFileSync(join(ROOT, ".dev.vars.example"), vars);
    log("created .dev.vars from .dev.vars.example (development-only secrets)");
  }
}

async function applyMigrations(wrangler) {
  log("applying D1 migrations to the local database…");
  // CI=true makes wrangler take the default answer instead of asking "continue?" on a terminal.
  const args = [wrangler, "d1", "migrations", "apply", "DB", "--local", "--persist-to", PERSIST_TO];
  const code = await start("d1", process.execPath, args, { env: { ...ENV, CI: "true" } }).exited;
  if (code !== 0 && !stopping) await stopAll(`migrations failed (exit ${code})`, 1);
}

// SvelteKit writes apps/web/.svelte-kit/tsconfig.json (which the web config extends) when vite dev starts; the
// widget build reads it too, and on a fresh checkout it would start before the file exists and fail. Writing it
// first (`svelte-kit sync`) lets the two start together.
async function syncSvelteKit() {
  const kit = binPath("@sveltejs/kit", "svelte-kit", join(ROOT, "apps/web"));
  const env = { ...ENV, VITE_CONFIG_NATIVE_IGNORE_WARNING: "true" };
  const code = await start("kit", process.execPath, [kit, "sync"], { cwd: join(ROOT, "apps/web"), env })
    .exited;
  if (code !== 0 && !stopping) await stopAll(`svelte-kit sync failed (exit ${code})`, 1);
}

// ── Seed hook ────────────────────────────────────────────────────────────────────────────────────────────
// On the first start (no .state/seeded), once the API is healthy, run `npm run seed -w apps/api` if apps/api
// has a seed folder and a "seed" script. The seed gets API_URL and PERSIST_TO (the local state folder).
// A failing seed prints a warning and the servers keep running; the next `npm run dev` tries again.
async function seedOnFirstStart() {
  if (existsSync(SEEDED_MARK)) return;
  const apiManifest = JSON.parse(readFileSync(join(ROOT, "apps/api/package.json"), "utf8"));
  if (!existsSync(join(ROOT, "apps/api/seed")) || !apiManifest.scripts?.seed) return;
  log("first start: seeding the local dataset (npm run seed -w apps/api)…");
  const env = { ...ENV, API_URL, PERSIST_TO };
  const code = await start("seed", "npm", ["run", "seed", "-w", "apps/api"], { env }).exited;
  if (stopping) return;
  if (code === 0) {
    writeFileSync(SEEDED_MARK, `${new Date().toISOString()}\n`);
    log("seed done.");
  } else {
    log(
      `warning: the seed failed (exit ${code}); serving anyway. It runs again on the next \`npm run dev\`.`,
    );
  }
}

// ── Model publish ───────────────────────────────────────────────────────────────────────────────────────
// The Generate page loads its weights from the API's `stable` channel, as in production. Once the API is
// healthy (and after the seed), publish the committed bundle models/default there unless this exact card
// (by SHA-256) was already published: a newly committed bundle is published and promoted on the next start.
// A failure prints a warning and the servers keep running.
async function publishDefaultModel() {
  const dir = resolve(ROOT, process.env.DEV_MODEL_DIR || "models/default");
  const cardPath = join(dir, "card.json");
  if (!existsSync(cardPath)) {
    log(`no ${cardPath} yet: the Generate page has no model until a bundle is committed there.`);
    return;
  }
  const cardSha = createHash("sha256").update(readFileSync(cardPath)).digest("hex");
  const mark = join(STATE, `published-${cardSha}`);
  if (existsSync(mark)) return;
  try {
    const { publishBundle, devAdminToken } = await import("../apps/api/scripts/publish-bundle.mjs");
    const result = await publishBundle({
      dir,
      api: API_URL,
      token: devAdminToken(ROOT),
      channel: "stable",
      log: (line) => log(`model: ${line}`),
    });
    writeFileSync(mark, `${result.version} ${new Date().toISOString()}\n`);
  } catch (err) {
    log(
      `warning: publishing models/default failed (${err instanceof Error ? err.message : err}); serving ` +
        "anyway. It is tried again on the next `npm run dev`, or run apps/api/scripts/publish-bundle.mjs.",
    );
  }
}

// ── Widget demo ─────────────────────────────────────────────────────────────────────────────────────────
// The widget rebuilt on every change into .state/widget (for the dev API), and the demo's two servers: the page
// on DEMO_PORT, the widget's files on WIDGET_PORT (see scripts/widget-demo.mjs).
function startWidgetServers(vite) {
  const buildArgs = [vite, "build", "-c", "vite.widget.config.ts", "--watch", "--logLevel", "warn"];
  const widget = start("wgt", process.execPath, buildArgs, {
    cwd: join(ROOT, "apps/web"),
    env: {
      ...ENV,
      PUBLIC_API_URL: API_URL,
      WIDGET_OUT_DIR: WIDGET_DIR,
      VITE_CONFIG_NATIVE_IGNORE_WARNING: "true",
    },
  });
  const demoEnv = { ...ENV, DEMO_PORT: String(DEMO_PORT), WIDGET_PORT: String(WIDGET_PORT), API_URL };
  const demo = start("demo", process.execPath, [join(ROOT, "scripts/widget-demo.mjs")], {
    env: { ...demoEnv, WIDGET_DIR },
  });
  return [widget, demo];
}

function printReady() {
  const line = "─".repeat(60);
  console.log(`\n${line}\n  Commonspace is running\n`);
  console.log(`    web  ${WEB_URL}/`);
  console.log(`    api  ${API_URL}   (health: ${API_URL}/v1/health)`);
  console.log(`    demo ${DEMO_URL}/   (the widget on a site of its own; docs/widget.md)\n`);
  console.log(`  Press Ctrl-C to stop them all.\n${line}\n`);
}

async function main() {
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => stopAll(`got ${signal}`, 0));
  // Last resort if this process dies of an unexpected error: leave no orphaned servers behind.
  process.on("exit", () => running.forEach((m) => signalGroup(m, "SIGKILL")));

  prepareLocalState();
  await assertPortFree(API_PORT, "API_PORT");
  await assertPortFree(WEB_PORT, "WEB_PORT");
  await assertPortFree(DEMO_PORT, "DEMO_PORT");
  await assertPortFree(WIDGET_PORT, "WIDGET_PORT");
  const wrangler = binPath("wrangler", "wrangler", ROOT);
  const vite = binPath("vite", "vite", join(ROOT, "apps/web"));

  await applyMigrations(wrangler);
  await syncSvelteKit();
  const apiArgs = ["dev", "--local", "--persist-to", PERSIST_TO, "--ip", HOST, "--port", String(API_PORT)];
  // The app's /moderate page calls admin routes from the web origin, whatever WEB_PORT is.
  apiArgs.push("--var", `ADMIN_ORIGINS:${WEB_URL},http://localhost:${WEB_PORT}`);
  const api = start("api", process.execPath, [wrangler, ...apiArgs, "--show-interactive-dev-session=false"]);
  const webArgs = [vite, "dev", "--host", HOST, "--port", String(WEB_PORT), "--strictPort"];
  const web = start("web", process.execPath, webArgs, {
    cwd: join(ROOT, "apps/web"),
    env: { ...ENV, PUBLIC_API_URL: API_URL },
  });
  const [widget, demo] = startWidgetServers(vite);
  for (const m of [api, web, widget, demo])
    m.exited.then((code) => stopAll(`${m.name} exited (code ${code})`, 1));

  try {
    await Promise.all([
      waitUntilAnswering(`${API_URL}/v1/health`, api),
      waitUntilAnswering(`${WEB_URL}/`, web),
      waitUntilAnswering(`${DEMO_URL}/`, demo),
    ]);
  } catch (err) {
    await stopAll(err instanceof Error ? err.message : String(err), 1);
    return;
  }
  printReady();
  await seedOnFirstStart();
  if (!stopping) await publishDefaultModel();
}

main().catch((err) => stopAll(`unexpected error: ${err instanceof Error ? err.stack : err}`, 1));
