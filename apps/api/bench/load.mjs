#!/usr/bin/env node
// Load benchmark of the dataset routes on `wrangler dev --local` (loopback, bounded request counts). Starts its
// own wrangler dev on a temporary persistence folder, seeds synthetic data through POST /v1/admin/import,
// then measures each route with a closed loop of BENCH_CONCURRENCY clients for BENCH_REQUESTS requests, and
// reports its throughput as a ratio to GET /v1/health measured in the same run, plus export rows per second.
// Absolute numbers depend on the machine and its load; compare ratios only.
//
// Usage: npm run bench -w apps/api
// Environment: BENCH_IMAGES (default 4000; 5 captions each), BENCH_REQUESTS (default 300 per route),
// BENCH_CONCURRENCY (default 16), BENCH_PORT (default 8791), BENCH_KEEP=1 keeps the temporary folder.
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { pngBytes } from "./png.mjs";
import { startWranglerDev } from "./wrangler-dev.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const IMAGES = positive("BENCH_IMAGES", 4000);
const REQUESTS = positive("BENCH_REQUESTS", 300);
const CONCURRENCY = positive("BENCH_CONCURRENCY", 16);
const PORT = positive("BENCH_PORT", 8791);
const ADMIN_TOKEN = "bench-admin-token";
const WORDS = (
  "red green blue yellow purple orange black white small big happy sad round square cat dog bird " +
  "fish apple pear cake car bus bike tree flower sun moon star cloud rain snow house door key book phone " +
  "heart hand face eye music ball game flag boat plane train rocket clock lamp chair shoe hat cup"
).split(" ");

function positive(name, fallback) {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number >= 1`);
  return value;
}

function captionsFor(i) {
  const word = (k) => WORDS[(i * 7 + k * 13) % WORDS.length];
  return [
    `${word(0)} ${word(1)}`,
    `${word(2)} ${word(1)}`,
    word(1),
    `${word(3)} ${word(4)} ${word(1)}`,
    `bench item ${i}`,
  ];
}

async function seed(url) {
  const started = performance.now();
  for (let first = 0; first < IMAGES; first += 100) {
    const items = [];
    for (let i = first; i < Math.min(first + 100, IMAGES); i++) {
      items.push({
        image_base64: pngBytes(i, 32).toString("base64"),
        source: "bench",
        licence: "CC0-1.0",
        attribution: "synthetic benchmark image",
        concept: `bench:${i}`,
        category: `bench/${i % 40}`,
        captions: captionsFor(i),
      });
    }
    const res = await fetch(`${url}/v1/admin/import`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${ADMIN_TOKEN}` },
      body: JSON.stringify({ items }),
    });
    if (!res.ok) throw new Error(`import answered ${res.status}: ${await res.text()}`);
  }
  return (performance.now() - started) / 1000;
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** Runs `total` requests from `CONCURRENCY` clients; `request(i)` returns a fetch promise. */
async function measure(name, total, request, { warmup = 20 } = {}) {
  for (let i = 0; i < warmup; i++) await (await request(-1 - i)).arrayBuffer();
  const latencies = [];
  const statuses = new Map();
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < total; i = next++) {
        const t0 = performance.now();
        const res = await request(i);
        await res.arrayBuffer();
        latencies.push(performance.now() - t0);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    name,
    total,
    rps: total / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    statuses,
  };
}

async function newContributor(url) {
  const res = await fetch(`${url}/v1/contributors`, { method: "POST" });
  return (await res.json()).token;
}

function contribution(url, token, i, termsVersion) {
  const form = new FormData();
  form.set("image", new Blob([pngBytes(1_000_000 + i, 64)], { type: "image/png" }), "bench.png");
  form.set("caption", `${captionsFor(i)[0]} contribution ${i}`);
  form.set("licence", "CC0-1.0");
  form.set("consent", "true");
  form.set("terms_version", termsVersion);
  return fetch(`${url}/v1/contributions`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Idempotency-Key": `bench-${i}-${Date.now()}` },
    body: form,
  });
}

async function exportAll(url) {
  const started = performance.now();
  let rows = 0;
  let pages = 0;
  let cursor = null;
  do {
    const res = await fetch(`${url}/v1/export?limit=5000${cursor ? `&cursor=${cursor}` : ""}`);
    const lines = (await res.text()).trimEnd().split("\n");
    const end = JSON.parse(lines.pop());
    rows += lines.length;
    pages++;
    cursor = end.next_cursor;
  } while (cursor && pages < 10_000);
  const seconds = (performance.now() - started) / 1000;
  return { rows, pages, seconds, rowsPerSecond: rows / seconds };
}

function row(result, baseline) {
  const statuses = [...result.statuses].map(([status, count]) => `${status}×${count}`).join(" ");
  return `| ${result.name} | ${result.total} | ${result.rps.toFixed(0)} | ${(result.rps / baseline).toFixed(2)} | ${result.p50.toFixed(1)} | ${result.p99.toFixed(1)} | ${statuses} |`;
}

const stateDir = mkdtempSync(join(tmpdir(), "commonspace-bench-"));
const vars = { ADMIN_TOKEN, TASK_SIGNING_KEY: "bench-task-key", RATE_LIMIT_SCALE: "1000" };
const server = await startWranglerDev({ root: ROOT, stateDir, port: PORT, vars });
try {
  const { url } = server;
  console.log(`wrangler dev at ${url}; seeding ${IMAGES} images x 5 captions through /v1/admin/import…`);
  const importSeconds = await seed(url);
  const tokens = await Promise.all(Array.from({ length: 8 }, () => newContributor(url)));
  const tokenFor = (i) => tokens[Math.abs(i) % tokens.length];
  const { version: termsVersion } = await (await fetch(`${url}/v1/terms`)).json();
  const tasks = [];
  const results = [];
  // Time-based warm-up: the first seconds after the import are slower (JIT, SQLite caches), which would skew
  // the first baseline.
  const warmUntil = performance.now() + 5000;
  while (performance.now() < warmUntil) {
    await Promise.all(
      Array.from({ length: CONCURRENCY }, () => fetch(`${url}/v1/health`).then((r) => r.arrayBuffer())),
    );
  }
  results.push(await measure("GET /v1/health (baseline)", REQUESTS, () => fetch(`${url}/v1/health`)));
  results.push(await measure("GET /v1/images?limit=50", REQUESTS, () => fetch(`${url}/v1/images?limit=50`)));
  results.push(
    await measure("GET /v1/captions?q=…", REQUESTS, (i) =>
      fetch(`${url}/v1/captions?q=${WORDS[Math.abs(i) % WORDS.length]}`),
    ),
  );
  results.push(
    await measure("POST /v1/contributions (64x64 PNG)", REQUESTS, (i) =>
      contribution(url, tokenFor(i), i + 10, termsVersion),
    ),
  );
  results.push(
    await measure("GET /v1/tasks/next?k=4", REQUESTS, async (i) => {
      const res = await fetch(`${url}/v1/tasks/next?k=4`, {
        headers: { Authorization: `Bearer ${tokenFor(i)}` },
      });
      if (i >= 0 && res.ok) tasks.push({ body: await res.clone().json(), token: tokenFor(i) });
      return res;
    }),
  );
  results.push(
    await measure(
      "POST /v1/tasks/:id/answer",
      tasks.length,
      (i) => {
        const task = tasks[i < 0 ? 0 : i];
        const choice = i < 0 ? "none" : task.body.task.candidates[i % task.body.task.candidates.length].id;
        return fetch(`${url}/v1/tasks/${task.body.task.id}/answer`, {
          method: "POST",
          headers: { "Content-Type": "application/json", Authorization: `Bearer ${task.token}` },
          body: JSON.stringify({ token: task.body.token, choice }),
        });
      },
      { warmup: 0 },
    ),
  );
  results.push(
    await measure("GET /v1/batches/contrastive?n=32", REQUESTS, (i) =>
      fetch(`${url}/v1/batches/contrastive?n=32&seed=${i + 100}`),
    ),
  );
  results.push(
    await measure("GET /v1/health (again, drift check)", REQUESTS, () => fetch(`${url}/v1/health`)),
  );
  const exported = await exportAll(url);

  // The baseline is the mean of the two health runs, which bracket the others in time.
  const baseline = (results[0].rps + results[results.length - 1].rps) / 2;
  console.log(
    `\nimport: ${IMAGES} images, ${IMAGES * 5} pairs in ${importSeconds.toFixed(1)} s (${(IMAGES / importSeconds).toFixed(0)} images/s)`,
  );
  console.log(
    `load: ${REQUESTS} requests per route, ${CONCURRENCY} concurrent clients, loopback; ` +
      `load average ${loadavg()
        .map((x) => x.toFixed(1))
        .join(" ")}\n`,
  );
  console.log("| route | requests | req/s | vs health (mean of both runs) | p50 ms | p99 ms | statuses |");
  console.log("|---|---|---|---|---|---|---|");
  for (const result of results) console.log(row(result, baseline));
  console.log(
    `\nexport: ${exported.rows} rows in ${exported.pages} pages of <= 5000 in ${exported.seconds.toFixed(1)} s = ${exported.rowsPerSecond.toFixed(0)} rows/s`,
  );
} finally {
  server.stop();
  if (!process.env.BENCH_KEEP) rmSync(stateDir, { recursive: true, force: true });
  else console.log(`kept ${stateDir}`);
}
