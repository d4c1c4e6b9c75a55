#!/usr/bin/env node
// `npm run seed` (root) → `npm run seed -w apps/api`: builds the seed dataset if its output is missing
// (`npm run seed:build -w apps/api`, apps/api/seed/), then loads it through the running API's admin import route
// with apps/api/seed/import.*, the path a production import takes. Idempotent: re-running adds nothing.
//
// Environment: API_URL (default http://127.0.0.1:8787), ADMIN_TOKEN (default: read from the repository's
// .dev.vars, else .dev.vars.example). The API must be running (`npm run dev` starts it and seeds on first start).
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const API_DIR = join(dirname(fileURLToPath(import.meta.url)), "..");
const ROOT = join(API_DIR, "..", "..");
const SEED_DIR = join(API_DIR, "seed");
const SEED_FILE = join(SEED_DIR, ".cache", "seed.ndjson");
const API_URL = (process.env.API_URL || "http://127.0.0.1:8787").replace(/\/+$/, "");

function fail(message) {
  console.error(`seed │ error: ${message}`);
  process.exit(1);
}

/** Value of `name` in a KEY="value" dotenv file, or undefined. */
function readDotenv(file, name) {
  if (!existsSync(file)) return undefined;
  for (const line of readFileSync(file, "utf8").split(/\r?\n/)) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (match?.[1] === name) return match[2].replace(/^(["'])(.*)\1$/, "$2");
  }
  return undefined;
}

function run(command, args, env = process.env) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: API_DIR, env, stdio: "inherit" });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    child.on("error", (err) => fail(`could not start ${command}: ${err.message}`));
  });
}

const adminToken =
  process.env.ADMIN_TOKEN ||
  readDotenv(join(ROOT, ".dev.vars"), "ADMIN_TOKEN") ||
  readDotenv(join(ROOT, ".dev.vars.example"), "ADMIN_TOKEN");
if (!adminToken) fail("no ADMIN_TOKEN: set it, or create .dev.vars from .dev.vars.example.");

if (!existsSync(SEED_FILE)) {
  console.log(`seed │ ${SEED_FILE} is missing: building it (npm run seed:build -w apps/api)…`);
  const code = await run("npm", ["run", "seed:build"]);
  if (code !== 0) fail(`the seed build failed (exit ${code}).`);
  if (!existsSync(SEED_FILE)) fail(`the seed build finished but wrote no ${SEED_FILE}.`);
}

try {
  const res = await fetch(`${API_URL}/v1/health`);
  if (!res.ok)
    fail(`${API_URL}/v1/health answered ${res.status}: is the API migrated? (npm run dev does it)`);
} catch (err) {
  fail(
    `the API at ${API_URL} is not reachable (${err.cause?.code ?? err.message}); start it with npm run dev.`,
  );
}

// The import script is the seed builder's (apps/api/seed/import.*): TypeScript runs through seed/run.mjs.
const candidates = ["import.ts", "import.mjs", "import.js"].map((name) => join(SEED_DIR, name));
const importScript = candidates.find((file) => existsSync(file));
if (!importScript)
  fail(`no import script in ${SEED_DIR} (expected one of import.ts, import.mjs, import.js).`);
const args = importScript.endsWith(".ts")
  ? [join(SEED_DIR, "run.mjs"), importScript, ...process.argv.slice(2)]
  : [importScript, ...process.argv.slice(2)];
console.log(`seed │ importing into ${API_URL} through POST /v1/admin/import…`);
const code = await run(process.execPath, args, { ...process.env, API_URL, ADMIN_TOKEN: adminToken });
process.exit(code);
