/**
 * The app's Generate page as the benchmark drives it: opened with a wasm thread setting (localStorage
 * `commonspace.wasmThreads`, read when the page creates its model worker), and one 8-image generation timed
 * from inside the page, from the click on Generate to `data-phase="done"`, with its main-thread sample.
 */
import type { Page } from "playwright-core";
import type { TestBrowser } from "../support/browser";
import { recordMainThread, type MainThreadSample, type ProbeWindow } from "./main-thread-probe";

/** apps/web/src/lib/device-model.svelte.ts `THREADS_KEY`. */
export const THREADS_KEY = "commonspace.wasmThreads";

/** What every generation of the benchmark asks for (the page's default guidance, the default card's cfg_scale). */
export const REQUEST = { caption: "red apple", count: 8, guidance: 3 } as const;

/** One timed generation. */
export interface GenerationSample extends MainThreadSample {
  readonly wallMs: number;
}

/** The Generate page, open and ready for {@link generateOnce}. */
export interface GeneratePage {
  readonly page: Page;
  readonly errors: string[];
}

/** What the page says about where the model ran. */
export interface PageBackend {
  readonly backend: string | null;
  readonly threads: string | null;
  readonly threadsReason: string;
  readonly crossOriginIsolated: boolean;
}

/** Opens `${webUrl}/generate` with `threads` in localStorage ("auto": the key removed), the probe installed. */
export async function openGeneratePage(
  browser: TestBrowser,
  webUrl: string,
  threads: number | "auto",
): Promise<GeneratePage> {
  const { page, errors } = await browser.newPage();
  await recordMainThread(page);
  await page.addInitScript(
    ([key, value]) => (value === "auto" ? localStorage.removeItem(key) : localStorage.setItem(key, value)),
    [THREADS_KEY, String(threads)] as const,
  );
  await page.goto(`${webUrl}/generate`);
  await page.getByTestId("caption").fill(REQUEST.caption);
  await page.getByTestId("count").fill(String(REQUEST.count));
  await page.getByTestId("guidance").fill(String(REQUEST.guidance));
  return { page, errors };
}

/** Generates once with `seed`; the click and the wait for "done" happen in the page (no round trip timed). */
export async function generateOnce({ page, errors }: GeneratePage, seed: number): Promise<GenerationSample> {
  await page.getByTestId("seed").fill(String(seed));
  const sample = await page.evaluate(async (timeoutMs) => {
    const status = document.querySelector('[data-testid="status"]');
    const button = document.querySelector<HTMLButtonElement>('[data-testid="generate"]');
    if (!status || !button || button.disabled) throw new Error("the Generate button is missing or disabled");
    const probe = (window as unknown as ProbeWindow).benchMainThread;
    const done = new Promise<number>((resolve, reject) => {
      let started = false;
      const timer = setTimeout(() => reject(new Error(`not done after ${timeoutMs} ms`)), timeoutMs);
      const observer = new MutationObserver(() => {
        const phase = status.getAttribute("data-phase");
        if (phase !== "done") started = true;
        if (phase === "error" || phase === "cancelled" || (started && phase === "done")) {
          const at = performance.now();
          observer.disconnect();
          clearTimeout(timer);
          if (phase === "done") resolve(at);
          else reject(new Error(`the page ended in "${phase}": ${status.textContent?.trim()}`));
        }
      });
      observer.observe(status, { attributes: true, attributeFilter: ["data-phase"] });
    });
    const from = await probe.inTask(() => {
      const start = probe.start();
      button.click();
      return start;
    });
    const to = await done;
    return { wallMs: to - from, ...(await probe.stop(from, to)) };
  }, 180_000);
  if (errors.length > 0) throw new Error(`the Generate page reported errors: ${errors.join("; ")}`);
  return sample;
}

/** The backend badge's attributes and the page's `crossOriginIsolated`. */
export async function pageBackend({ page }: GeneratePage): Promise<PageBackend> {
  const badge = page.getByTestId("backend");
  return {
    backend: await badge.getAttribute("data-backend"),
    threads: await badge.getAttribute("data-threads"),
    threadsReason: ((await page.getByTestId("backend-threads").textContent()) ?? "").replace(/^\s*·\s*/, ""),
    crossOriginIsolated: await page.evaluate(() => crossOriginIsolated),
  };
}
