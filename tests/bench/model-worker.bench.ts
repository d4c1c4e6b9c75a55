/**
 * The model worker, measured in one run against baselines of the same run (docs/BENCHMARKS.md, "Main thread and
 * wasm threads"): (a) the main thread's longest task during an 8-image generation on the app's /generate page
 * against the old in-thread model on a page's main thread; (b) 8-image generation time with 1 and 2 wasm
 * threads in the cross-origin-isolated app. The real default bundle is published to a real test API. Prints
 * tables and ratios; asserts nothing about time.
 *   npm run bench -w tests    (BENCH_ROUNDS, BENCH_WARMUP_S, BENCH_BUNDLE override 7, 8 s, models/default)
 */
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import { startApi, type ApiServer } from "../support/api-server";
import { launchBrowser, type TestBrowser } from "../support/browser";
import { REPO_ROOT } from "../support/paths";
import { publishBundle } from "../support/publish";
import { startWeb, type WebApp } from "../support/web-app";
import { chromiumCpu, cpuBetween } from "./chromium-cpu";
import {
  REQUEST,
  generateOnce,
  openGeneratePage,
  pageBackend,
  type GeneratePage,
  type GenerationSample,
  type PageBackend,
} from "./generate-page";
import { generateInThread, openInThreadPage, startInThreadPage, type InThreadPage } from "./in-thread-page";
import { ms, reportMainThread, reportThreads, type BenchSample } from "./report";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const WARMUP_S = Number(process.env.BENCH_WARMUP_S ?? 8);
const BUNDLE = process.env.BENCH_BUNDLE ?? join(REPO_ROOT, "models/default");

type Generate = (seed: number) => Promise<BenchSample>;

/** `generate` with the CPU that Chromium used meanwhile (all its processes and threads). */
function withCpu(generate: (seed: number) => Promise<GenerationSample>): Generate {
  return async (seed) => {
    const before = chromiumCpu();
    const sample = await generate(seed);
    const use = cpuBetween(before, chromiumCpu(), sample.wallMs);
    return { ...sample, cpuMs: use.totalMs, busyThreads: use.busyThreads };
  };
}

/** Generates until `WARMUP_S` have passed (V8 keeps optimising wasm for 5-8 s) and at least twice. */
async function warmUp(label: string, generate: Generate): Promise<void> {
  const start = performance.now();
  const walls: number[] = [];
  while (walls.length < 2 || performance.now() - start < WARMUP_S * 1000)
    walls.push((await generate(1000 + walls.length)).wallMs);
  console.log(`warm-up ${label}: ${walls.length} generations, ${walls.map(ms).join(" / ")} ms`);
}

/**
 * `ROUNDS` rounds of one generation on each side in turn, so that all sides share the machine's noise; each
 * round starts one side later (no side always runs first), with the same seed on every side.
 */
async function interleave(sides: readonly Generate[]): Promise<BenchSample[][]> {
  const samples: BenchSample[][] = sides.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < sides.length; k++) {
      const i = (round + k) % sides.length;
      samples[i]?.push(await (sides[i] as Generate)(round + 1));
    }
  }
  return samples;
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");

describe("model worker benchmark", () => {
  let api: ApiServer;
  let web: WebApp;
  let inThread: InThreadPage;
  let browser: TestBrowser;

  beforeAll(async () => {
    api = await startApi();
    await publishBundle(api.url, BUNDLE, "stable");
    web = await startWeb(api.url);
    inThread = await startInThreadPage(BUNDLE);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await inThread?.stop();
    await web?.stop();
    await api?.stop();
  });

  it("measures the main thread's longest task and 1 vs 2 wasm threads", async () => {
    const chromium = browser.context.browser()?.version() ?? "unknown";
    console.log(
      `\n${new Date().toISOString()}, ${cpus().length} cores, load average ${load()}, Chromium ${chromium}, ` +
        `bundle ${BUNDLE}, ${REQUEST.count} images of "${REQUEST.caption}", guidance ${REQUEST.guidance}, ` +
        `${ROUNDS} rounds after ${WARMUP_S} s of warm-up per page`,
    );

    // Four tabs, opened and warmed up one after the other, then measured in turn every round: the app as it
    // ships (threads "auto"), the app with 1 and with 2 wasm threads (localStorage, read when the tab's worker
    // starts; a worker keeps the thread count of its first session for its life), and the in-thread baseline.
    const tabs: GeneratePage[] = [];
    const sides: Generate[] = [];
    for (const threads of ["auto", 1, 2] as const) {
      const tab = await openGeneratePage(browser, web.url, threads);
      const side = withCpu((seed) => generateOnce(tab, seed));
      await warmUp(`app /generate, wasm threads ${threads}`, side);
      tabs.push(tab);
      sides.push(side);
    }
    const old = await openInThreadPage(browser, inThread.url);
    const onMainThread = withCpu((seed) => generateInThread(old, seed));
    await warmUp("in-thread page, 1 wasm thread", onMainThread);
    sides.push(onMainThread);

    const before = await Promise.all(tabs.map(pageBackend));
    const [shipped = [], one = [], two = [], baseline = []] = await interleave(sides);
    const after = await Promise.all(tabs.map(pageBackend));
    reportMainThread(shipped, baseline, one, before[0] as PageBackend);
    reportThreads(one, two, before.slice(1), after.slice(1));
    console.log(`load average at the end ${load()}`);
  });
});
