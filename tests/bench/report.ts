/** Medians, ratios and the Markdown tables the benchmark prints (so they paste into docs/BENCHMARKS.md). */
import type { GenerationSample, PageBackend } from "./generate-page";

/** One generation with the CPU time Chromium used meanwhile. */
export interface BenchSample extends GenerationSample {
  /** CPU time of all Chromium's threads during the call. */
  readonly cpuMs: number;
  /** Chromium's threads that ran for at least a quarter of the wall time (e.g. "DedicatedWorker"). */
  readonly busyThreads: readonly string[];
}

/** The aims: no main-thread task over 50 ms; 2 wasm threads at least 1.6x faster than 1. */
export const AIM_LONGEST_TASK_MS = 50;
export const AIM_THREAD_SPEEDUP = 1.6;

/** The median of `values` (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median of no values: measure at least one round");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] as number;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] as number) + upper) / 2;
}

/** Milliseconds, rounded. */
export const ms = (value: number): string => String(Math.round(value));

/** `a / b` as "1.23x". */
export const ratio = (a: number, b: number): string => (b === 0 ? "∞" : `${(a / b).toFixed(2)}x`);

/** A Markdown table. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

/** Cores kept busy: Chromium's CPU time over the generation's wall time. */
const cores = (s: BenchSample): number => s.cpuMs / s.wallMs;

type Column = [header: string, value: (s: BenchSample) => number, format: (v: number) => string];

/** Rows of `columns` for paired samples (one list per side), then a row of medians. */
function pairedRows(sides: readonly (readonly BenchSample[])[], columns: readonly Column[][]): string[][] {
  const rounds = sides[0]?.length ?? 0;
  const rows = Array.from({ length: rounds }, (_, i) => [
    String(i + 1),
    ...sides.flatMap((side, s) => (columns[s] ?? []).map(([, value, f]) => f(value(side[i] as BenchSample)))),
  ]);
  const medians = sides.flatMap((side, s) =>
    (columns[s] ?? []).map(([, value, f]) => f(median(side.map(value)))),
  );
  return [...rows, ["median", ...medians]];
}

const cpu = (v: number) => v.toFixed(2);

/** "DedicatedWorker+DedicatedWorker in 5 rounds, DedicatedWorker in 2": which threads were busy, how often. */
function busySummary(samples: readonly BenchSample[]): string {
  const counts = new Map<string, number>();
  for (const s of samples) {
    const key = s.busyThreads.join("+") || "none";
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([threads, n]) => `${threads} in ${n} round(s)`).join(", ");
}

/** Prints part (a): longest task, timer gap and wall time, worker page against the in-thread page. */
export function reportMainThread(
  worker: BenchSample[],
  baseline: BenchSample[],
  oneThread: BenchSample[],
  app: PageBackend,
): void {
  const side = (name: string): Column[] => [
    [`${name}: longest task`, (s) => s.longestTaskMs, ms],
    [`${name}: longest timer gap`, (s) => s.longestGapMs, ms],
    [`${name}: wall`, (s) => s.wallMs, ms],
    [`${name}: cores busy`, cores, cpu],
  ];
  const columns = [side(`worker (${app.threads} threads)`), side("in-thread (1 thread)")];
  console.log(`\nMain thread during one 8-image generation (ms; longest task 0 = none over 50 ms)`);
  console.log(table(["round", ...columns.flat().map(([h]) => h)], pairedRows([worker, baseline], columns)));
  const m = (samples: BenchSample[], value: (s: BenchSample) => number) => median(samples.map(value));
  const [wTask, bTask] = [m(worker, (s) => s.longestTaskMs), m(baseline, (s) => s.longestTaskMs)];
  const [wGap, bGap] = [m(worker, (s) => s.longestGapMs), m(baseline, (s) => s.longestGapMs)];
  const [wWall, bWall] = [m(worker, (s) => s.wallMs), m(baseline, (s) => s.wallMs)];
  const reading =
    wTask === 0
      ? `none over 50 ms on the worker page; in-thread ${ms(bTask)} ms = ${ratio(bTask, 50)} the 50 ms threshold`
      : `in-thread / worker ${ratio(bTask, wTask)}`;
  const met = wTask <= AIM_LONGEST_TASK_MS ? "met" : "not met";
  console.log(`longest task (medians): ${reading}; aim, worker ≤ ${AIM_LONGEST_TASK_MS} ms: ${met}`);
  const oneWall = m(oneThread, (s) => s.wallMs);
  console.log(`longest timer gap (medians), in-thread / worker: ${ratio(bGap, wGap)}`);
  console.log(
    `wall (medians), worker / in-thread: ${ratio(wWall, bWall)} with the app's ${app.threads} threads, ` +
      `${ratio(oneWall, bWall)} with 1 thread (the same work on each side)`,
  );
  console.log(`long tasks per generation on the worker page: ${worker.map((s) => s.longTasks).join(" ")}`);
  console.log(`busy threads, worker: ${busySummary(worker)}; in-thread: ${busySummary(baseline)}`);
  console.log(`app page: crossOriginIsolated ${app.crossOriginIsolated}, badge "${app.threadsReason}"`);
}

/** Prints part (b): wall time with 1 and 2 wasm threads, what each tab's badge said before and after. */
export function reportThreads(
  one: BenchSample[],
  two: BenchSample[],
  before: PageBackend[],
  after: PageBackend[],
): void {
  const side = (n: number): Column[] => [
    [`${n} thread(s): wall`, (s) => s.wallMs, ms],
    [`${n} thread(s): cores busy`, cores, cpu],
    [`${n} thread(s): busy threads`, (s) => s.busyThreads.length, String],
    [`${n} thread(s): longest task`, (s) => s.longestTaskMs, ms],
  ];
  console.log(`\n8-image generation in the app, by wasm threads (ms)`);
  for (const [i, b] of before.entries()) {
    console.log(
      `tab ${i + 1} (localStorage ${i + 1}): badge data-threads ${b.threads} before the rounds, ${after[i]?.threads} ` +
        `after; backend ${b.backend}; crossOriginIsolated ${b.crossOriginIsolated}; "${b.threadsReason}"`,
    );
  }
  const columns = [side(1), side(2)];
  console.log(table(["round", ...columns.flat().map(([h]) => h)], pairedRows([one, two], columns)));
  const [t1, t2] = [median(one.map((s) => s.wallMs)), median(two.map((s) => s.wallMs))];
  const met = t1 / t2 >= AIM_THREAD_SPEEDUP ? "met" : "not met";
  console.log(`busy threads with 1: ${busySummary(one)}; with 2: ${busySummary(two)}`);
  console.log(`t1 / t2 (medians): ${ratio(t1, t2)}; aim ≥ ${AIM_THREAD_SPEEDUP}x: ${met}`);
}
