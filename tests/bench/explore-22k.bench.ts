/**
 * /explore over the whole seed (docs/BENCHMARKS.md, "Dataset index (Explore)"): the default bundle with its 21,886-
 * image index published to a real test API, opened in headless Chromium. Measures the time from opening /explore
 * to the first drawn map (first visit: model and index downloaded; second visit: from the caches), against a
 * baseline of the same run: the page fetching the three index files itself. And word-search latency in the model
 * worker (click to results), against the same page's API full-text query for the same word. Prints a table.
 *   node packages/model/scripts/build-index.mjs --export apps/api/seed/.cache/seed.ndjson \
 *        --images apps/api/seed/.cache/images --out /tmp/idx-22k        # once (about 6.5 min)
 *   npm run bench -w tests -- explore-22k                                  (BENCH_INDEX_BUNDLE overrides /tmp/idx-22k)
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, it } from "vitest";
import { startStack, type Stack } from "../support/stack";
import { median } from "./report";

const BUNDLE = process.env.BENCH_INDEX_BUNDLE ?? "/tmp/idx-22k";
const WORDS = ["red apple", "dog", "car", "pizza", "sun", "house", "star", "rocket"];

async function firstDraw(page: Page, url: string, count: number): Promise<number> {
  await page.goto(url);
  const map = page.locator(`[data-testid="map"][data-points="${count}"]`);
  try {
    await map.waitFor({ timeout: 120_000 });
  } catch (error) {
    const status = page.getByTestId("explore-status");
    throw new Error(
      `no map of ${count}: ${await status.getAttribute("data-phase")} ${await status.textContent()}`,
      {
        cause: error,
      },
    );
  }
  return Number(await map.getAttribute("data-first-draw-ms"));
}

describe.skipIf(!existsSync(join(BUNDLE, "index.json")))("/explore over 22k images", () => {
  let stack: Stack;
  let count = 0;

  beforeAll(async () => {
    const index = JSON.parse(readFileSync(join(BUNDLE, "index.json"), "utf8")) as {
      images: { sha256: string[] };
    };
    count = index.images.sha256.length;
    stack = await startStack({ bundles: [{ dir: BUNDLE, channel: "stable" }] });
  });

  afterAll(() => stack?.stop());

  it("measures the first map and word-search latency", async () => {
    const { page } = await stack.browser.newPage();
    const url = `${stack.web.url}/explore`;
    const firstVisit = await firstDraw(page, url, count);
    const secondVisit = await firstDraw(page, url, count);
    const manifest = (await (await fetch(`${stack.api.url}/v1/models/channels/stable/manifest`)).json()) as {
      manifest: { files: { role: string; url: string }[] };
    };
    const indexUrls = manifest.manifest.files
      .filter((f) => f.role.startsWith("dataset-"))
      .map((f) => `${stack.api.url}${f.url}`);
    const rawFetch = await page.evaluate(async (urls) => {
      const t0 = performance.now();
      await Promise.all(urls.map(async (u) => (await fetch(u, { cache: "no-store" })).arrayBuffer()));
      return performance.now() - t0;
    }, indexUrls);

    const search: number[] = [];
    const fullText: number[] = [];
    for (const word of [...WORDS, ...WORDS]) {
      await page.getByTestId("explore-query").fill(word);
      const t0 = Date.now();
      await page.getByTestId("explore-search").click();
      await page
        .getByRole("heading", { name: new RegExp(`Results for ${word}`) })
        .waitFor({ timeout: 60_000 });
      search.push(Date.now() - t0);
      fullText.push(
        await page.evaluate(
          async (u) => {
            const t = performance.now();
            await (await fetch(u, { cache: "no-store" })).json();
            return performance.now() - t;
          },
          `${stack.api.url}/v1/images?q=${encodeURIComponent(word)}&limit=20`,
        ),
      );
    }
    const warm = search.slice(WORDS.length);
    console.log(
      [
        "",
        `| /explore, ${count} images | ms |`,
        "|---|---:|",
        `| first drawn map, first visit (model + index downloaded) | ${firstVisit.toFixed(0)} |`,
        `| first drawn map, second visit (cached) | ${secondVisit.toFixed(0)} |`,
        `| baseline: the page fetching the three index files | ${rawFetch.toFixed(0)} |`,
        `| word search, click to results (median of ${warm.length}, second pass) | ${median(warm).toFixed(0)} |`,
        `| baseline: the API's full-text query alone (median) | ${median(fullText).toFixed(0)} |`,
        `| ratio search / full-text query | ${(median(warm) / median(fullText)).toFixed(1)}x |`,
      ].join("\n"),
    );
  });
});
