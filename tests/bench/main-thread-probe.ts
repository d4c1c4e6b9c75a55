/**
 * What the benchmark looks at on a page's main thread, installed before the page's own scripts run: every long
 * task (PerformanceObserver "longtask": tasks over 50 ms), and a light timer probe (a 5 ms interval, on only
 * while measuring) whose largest gap between ticks shows blocking below the long-task threshold too.
 */
import type { Page } from "playwright-core";

/** One measured stretch of a page's main thread. */
export interface MainThreadSample {
  /** The longest long task overlapping the stretch, in ms (0 when none was over 50 ms). */
  readonly longestTaskMs: number;
  /** How many long tasks overlapped it. */
  readonly longTasks: number;
  /** The largest gap between two ticks of the 5 ms probe, in ms. */
  readonly longestGapMs: number;
}

/** What {@link recordMainThread} puts on `window`, for code run with `page.evaluate`. */
export interface MainThreadProbe {
  /**
   * Runs `work` from a timer task. Code that `page.evaluate` runs is not an event-loop task, so the long-task
   * API never reports it: an in-thread generation started there would be invisible to it.
   */
  inTask<T>(work: () => T | Promise<T>): Promise<T>;
  /** Starts the timer probe; returns `performance.now()`. */
  start(): number;
  /** Stops the probe (call it right at `to`) and summarises `[from, to]`, after a moment: long tasks are reported once they end. */
  stop(from: number, to: number): Promise<MainThreadSample>;
}

/** `window` with the probe. */
export interface ProbeWindow {
  benchMainThread: MainThreadProbe;
}

/** Installs the probe on every document `page` loads from now on (`page.addInitScript`). */
export async function recordMainThread(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const tasks: { start: number; duration: number }[] = [];
    const keep = (entries: PerformanceEntryList) =>
      entries.forEach((e) => tasks.push({ start: e.startTime, duration: e.duration }));
    const observer = new PerformanceObserver((list) => keep(list.getEntries()));
    observer.observe({ type: "longtask", buffered: true });
    let timer = 0;
    let last = 0;
    let longestGap = 0;
    const probe: MainThreadProbe = {
      inTask: (work) =>
        new Promise((resolve, reject) =>
          setTimeout(() => Promise.resolve().then(work).then(resolve, reject), 0),
        ),
      start() {
        clearInterval(timer);
        last = performance.now();
        longestGap = 0;
        timer = window.setInterval(() => {
          const now = performance.now();
          longestGap = Math.max(longestGap, now - last);
          last = now;
        }, 5);
        return last;
      },
      async stop(from, to) {
        clearInterval(timer);
        longestGap = Math.max(longestGap, to - last);
        await new Promise((resolve) => setTimeout(resolve, 250));
        keep(observer.takeRecords());
        const overlapping = tasks.filter((t) => t.start < to && t.start + t.duration > from);
        return {
          longestTaskMs: Math.max(0, ...overlapping.map((t) => t.duration)),
          longTasks: overlapping.length,
          longestGapMs: longestGap,
        };
      },
    };
    (window as unknown as ProbeWindow).benchMainThread = probe;
  });
}
