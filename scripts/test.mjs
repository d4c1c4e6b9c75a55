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

/** Failed tests by name, with the first line of their error, for the end of the log (CI shows only its tail). */
const failedTests = [];

/** The first non-empty line of an error message, without terminal colours, at most 300 characters. */
function firstLine(text) {
  // eslint-disable-next-line no-control-regex
  const plain = String(text ?? "").replace(/\u001b\[[0-9;]*m/g, "");
  return (plain.split("\n").find((line) => line.trim() !== "") ?? "").trim().slice(0, 300);
}

function countVitest(step, file) {
  if (!step || !existsSync(file)) return;
  const report = JSON.parse(readFileSync(file, "utf8"));
  for (const suite of report.testResults ?? []) {
    const where = suite.name ? suite.name.replace(`${root}/`, "") : step.name;
    for (const t of suite.assertionResults ?? [])
      if (t.status === "failed")
        failedTests.push(`${where} > ${t.fullName}: ${firstLine(t.failureMessages?.[0])}`);
    if (suite.status === "failed" && !(suite.assertionResults ?? []).some((t) => t.status === "failed"))
      failedTests.push(`${where}: ${firstLine(suite.message)}`);
  }
  step.passed = report.numPassedTests;
  step.failed = failures(step, report.numFailedTests);
  step.skipped = report.numPendingTests + report.numTodoTests;
}

function countJunit(step, file) {
  if (!step || !existsSync(file)) return;
  const xml = readFileSync(file, "utf8");
  const attr = (n) => Number(new RegExp(`<testsuite[^>]* ${n}="(\\d+)"`).exec(xml)?.[1] ?? 0);
  const total = attr("tests");
  for (const m of xml.matchAll(
    /<testcase [^>]*classname="([^"]*)" name="([^"]*)"[^>]*>\s*<(failure|error) message="([^"]*)"/g,
  ))
    failedTests.push(`${m[1]}::${m[2]}: ${firstLine(m[4])}`);
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
if (failedTests.length > 0) {
  console.log("\n=== failed tests");
  for (const line of failedTests) console.log(`- ${line}`);
}
console.log(`\nsummary: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(steps.every((s) => s.ok) ? 0 : 1);
