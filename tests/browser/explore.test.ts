// Explore in Chromium against the real API: ten dataset images (five concepts, two styles each) imported as
// approved seed data, a dataset index built from the API's export with models/default's CLIP
// (packages/model/scripts/build-index.mjs), published with the version, then /explore draws every image,
// finds a concept by words, by "more like this" and by a dropped picture — all searches in the model worker.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApi, devAdminToken, type ApiServer } from "../support/api-server";
import { launchBrowser, type TestBrowser } from "../support/browser";
import { makeTempDir, REPO_ROOT } from "../support/paths";
import { runToCompletion } from "../support/process-group";
import { publishBundle } from "../support/publish";
import { startWeb, type WebApp } from "../support/web-app";

const FIXTURES = join(REPO_ROOT, "tests/browser/fixtures/explore");
interface Item {
  file: string;
  source: string;
  licence: string;
  attribution: string;
  concept: string;
  category: string;
  captions: string[];
}
const ITEMS = JSON.parse(readFileSync(join(FIXTURES, "items.json"), "utf8")) as Item[];

let api: ApiServer;
let web: WebApp;
let browser: TestBrowser;
/** sha256 → concept, as the API stored them. */
const conceptOf = new Map<string, string>();

async function importItems(url: string): Promise<void> {
  const items = ITEMS.map(({ file, ...item }) => ({
    ...item,
    image_base64: readFileSync(join(FIXTURES, file)).toString("base64"),
  }));
  const res = await fetch(`${url}/v1/admin/import`, {
    method: "POST",
    headers: { authorization: `Bearer ${devAdminToken()}`, "content-type": "application/json" },
    body: JSON.stringify({ items }),
  });
  if (!res.ok) throw new Error(`admin import answered ${res.status}: ${await res.text()}`);
  const listed = (await (await fetch(`${url}/v1/images?limit=100`)).json()) as {
    items: { sha256: string; concept: string }[];
  };
  for (const image of listed.items) conceptOf.set(image.sha256, image.concept);
}

async function resultConcepts(page: Page, label: string): Promise<string[]> {
  await page.getByRole("heading", { name: new RegExp(`Results for ${label}`) }).waitFor({ timeout: 60_000 });
  const shas = await page
    .getByTestId("explore-results")
    .locator("li")
    .evaluateAll((items) => items.map((li) => li.getAttribute("data-sha256") ?? ""));
  return shas.map((sha) => conceptOf.get(sha) ?? `unknown ${sha}`);
}

beforeAll(async () => {
  api = await startApi();
  await importItems(api.url);
  const bundle = join(await makeTempDir("explore-bundle"), "bundle");
  await runToCompletion(
    "build-index",
    process.execPath,
    ["packages/model/scripts/build-index.mjs", "--api", api.url, "--out", bundle],
    { cwd: REPO_ROOT },
  );
  await publishBundle(api.url, bundle, "stable");
  web = await startWeb(api.url);
  browser = await launchBrowser();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await web?.stop();
  await api?.stop();
});

describe("/explore", () => {
  it("draws every approved image, searches by words, by “more like this” and by a dropped picture, and captions it", async () => {
    const { page, errors } = await browser.newPage();
    const longTasks: number[] = [];
    await page.exposeFunction("reportLongTask", (ms: number) => longTasks.push(ms));
    await page.addInitScript(() => {
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries())
          (window as unknown as { reportLongTask(ms: number): void }).reportLongTask(entry.duration);
      }).observe({ type: "longtask" });
    });
    await page.goto(`${web.url}/explore`);
    const map = page.locator(`[data-testid="map"][data-points="${ITEMS.length}"]`);
    await map.waitFor({ timeout: 90_000 });
    expect(await page.getByTestId("explore-status").getAttribute("data-count")).toBe(String(ITEMS.length));
    console.log(`explore: first map drawn ${await map.getAttribute("data-first-draw-ms")} ms after opening`);

    // Words: CLIP in the worker merged with the API's full-text search.
    await page.getByTestId("explore-query").fill("dog");
    await page.getByTestId("explore-search").click();
    expect((await resultConcepts(page, "dog")).slice(0, 5)).toContain("emoji:1f436");

    // More like this on the first apple: the other apple first after itself.
    await page.getByTestId("explore-query").fill("red apple");
    await page.getByTestId("explore-search").click();
    const apples = await resultConcepts(page, "red apple");
    expect(apples[0]).toBe("emoji:1f34e");
    await page.getByTestId("explore-results").locator("li button").first().click();
    const selected = page.getByTestId("explore-selected");
    await selected.waitFor();
    await expect.poll(() => selected.textContent()).toMatch(/Apache-2\.0|CC-BY-4\.0/);
    await page.getByTestId("more-like-this").click();
    const similar = await resultConcepts(page, "like");
    expect(similar.slice(0, 2)).toEqual(["emoji:1f34e", "emoji:1f34e"]);

    // A picture picked with the file input behind the drop zone: a car finds the cars.
    await page.getByTestId("explore-file").setInputFiles(join(FIXTURES, "car-google.png"));
    expect((await resultConcepts(page, "car-google.png")).slice(0, 2)).toContain("emoji:1f697");

    // A picture really dropped on the drop zone (a drop event carrying the file).
    const bytes = readFileSync(join(FIXTURES, "car-google.png")).toString("base64");
    const transfer = await page.evaluateHandle((base64) => {
      const data = new DataTransfer();
      const file = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      data.items.add(new File([file], "dropped-car.png", { type: "image/png" }));
      return data;
    }, bytes);
    await page.getByTestId("explore-drop").dispatchEvent("drop", { dataTransfer: transfer });
    expect((await resultConcepts(page, "dropped-car.png")).slice(0, 2)).toContain("emoji:1f697");

    // "Caption this picture": the device model's caption of the dropped picture, through the model client.
    const picked = page.getByRole("region", { name: "Your picture" });
    expect(await picked.getByRole("img").getAttribute("alt")).toBe("Your picture: dropped-car.png");
    // The model's own words compete with the first captions of the picture's 4 nearest indexed images (the
    // first 4 results of the same search), and the page says which it shows.
    const nearest = await page
      .getByTestId("explore-results")
      .locator("li button")
      .evaluateAll((buttons) => buttons.slice(0, 4).map((b) => (b.textContent ?? "").trim()));
    await picked.getByRole("button", { name: "Caption this picture" }).click();
    await expect
      .poll(() => page.getByTestId("picked-caption").textContent(), { timeout: 120_000 })
      .toMatch(/(The model reads it as “.+”|finds no words for it|Closest words: “.+”)/);
    const said = ((await page.getByTestId("picked-caption").textContent()) ?? "").trim();
    const borrowed = /^Closest words: “(.+?)”, the caption of a similar picture in the dataset\. /.exec(said);
    if (borrowed) {
      expect(nearest).toContain(borrowed[1]);
      expect(said).toMatch(/(The model's own words: “.+”|The model finds no words of its own)\.$/);
    } else {
      expect(said).toMatch(/^The model (reads it as “.+”|finds no words for it)\.$/);
    }
    console.log(`explore: caption of the dropped car: ${said}`);

    expect(errors).toEqual([]);
    // Reported, not asserted (no timing assertions in tests): every model call goes through the worker client.
    console.log(`explore: longest main-thread task ${Math.round(Math.max(0, ...longTasks))} ms`);
  });

  it("captions Generate's best image by the same rule, opening the version's dataset index on first use", async () => {
    const { page, errors } = await browser.newPage();
    await page.goto(`${web.url}/generate`);
    await page.getByTestId("caption").fill("red car");
    await page.getByTestId("count").fill("2");
    await page.getByTestId("generate").click();
    await page.locator('[data-testid="status"][data-phase="done"]').waitFor({ timeout: 120_000 });
    await page.getByTestId("caption-this").click();
    const said = page.getByTestId("caption-of-best");
    await said.waitFor({ timeout: 120_000 });
    const text = ((await said.textContent()) ?? "").replace(/\s+/g, " ").trim();
    expect(text).toMatch(
      /^(The model reads it as “.+”\.|The model finds no words for it\.|Closest words: “.+”)/,
    );
    expect(text).not.toContain("could not be opened"); // the index was there, and competed
    console.log(`explore: Generate's caption of its best "red car": ${text}`);
    expect(errors).toEqual([]);
  });
});
