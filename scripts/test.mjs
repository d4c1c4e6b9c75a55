#!/usr/bin/env node
// `npm test`: typecheck, lint, then every workspace's tests and the trainer's pytest suite, in that order.
// Runs every step even after a failure, then prints one summary of test counts and exits non-zero on any
// failure. Test counts come from vitest's JSON reporter and pytest's JUnit XML.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const results = join(root, ".state", "test-results");
rmSync(results, { recursive: true, force: true });
mkdirSync(results, { recursive: true });

const env = {
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  WRANGLER_HIDE_BANNER: "true",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  XDG_CONFIG_HOME: join(root, ".state", "xdg"),
  OMP_NUM_THREADS: "1",
  OPENBLAS_NUM_THREADS: "1",
};

const VITEST_WORKSPACES = [
  "packages/tokenizer",
  "packages/manifest",
  "packages/model",
  "apps/api",
  "apps/web",
  "tests",
];
const only = process.argv.slice(2);

/** @type {{ name: string, ok: boolean, passed: number, failed: number, skipped: number }[]} */
const steps = [];

function run(name, cmd, args, cwd = root) {
  if (only.length > 0 && !only.some((o) => name.includes(o))) return null;
  console.log(`\n=== ${name}: ${cmd} ${args.join(" ")}`);
  const r = spawnSync(cmd, args, { cwd, env, stdio: "inherit" });
  const step = { name, ok: r.status === 0, passed: 0, failed: r.status === 0 ? 0 : 1, skipped: 0 };
  steps.push(step);
  return step;
}

/** Failed tests of a step; a step that failed with none counted (a suite that did not load) counts as one. */
function failures(step, counted) {
  return counted > 0 || step.ok ? counted : 1;
}

function countVitest(step, file) {
  if (!step || !existsSync(file)) return;
  const report = JSON.parse(readFileSync(file, "utf8"));
  step.passed = report.numPassedTests;
  step.failed = failures(step, report.numFailedTests);
  step.skipped = report.numPendingTests + report.numTodoTests;
}

function countJunit(step, file) {
  if (!step || !existsSync(file)) return;
  const xml = readFileSync(file, "utf8");
  const attr = (n) => Number(new RegExp(`<testsuite[^>]* ${n}="(\\d+)"`).exec(xml)?.[1] ?? 0);
  const total = attr("tests");
  step.skipped = attr("skipped");
  step.failed = failures(step, attr("failures") + attr("errors"));
  step.passed = total - step.skipped - attr("failures") - attr("errors");
}

run("typecheck", "npm", ["run", "typecheck", "--silent"]);
run("lint", "npm", ["run", "lint", "--silent"]);
for (const ws of VITEST_WORKSPACES) {
  if (!existsSync(join(root, ws, "package.json"))) continue;
  const out = join(results, `${ws.replaceAll("/", "-")}.json`);
  const step = run(
    `test ${ws}`,
    "npx",
    ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile=${out}`],
    join(root, ws),
  );
  countVitest(step, out);
}
if (existsSync(join(root, "training", "tests"))) {
  const out = join(results, "training.xml");
  const step = run("test training", "/usr/bin/python3", [
    "-m",
    "pytest",
    "training/tests",
    "-q",
    `--junitxml=${out}`,
  ]);
  countJunit(step, out);
}

const total = steps.reduce(
  (a, s) => ({ passed: a.passed + s.passed, failed: a.failed + s.failed, skipped: a.skipped + s.skipped }),
  { passed: 0, failed: 0, skipped: 0 },
);
console.log("\n=== steps");
for (const s of steps)
  console.log(
    `${s.ok ? "ok  " : "FAIL"} ${s.name}  (${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped)`,
  );
console.log(`\nsummary: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(steps.every((s) => s.ok) ? 0 : 1);
