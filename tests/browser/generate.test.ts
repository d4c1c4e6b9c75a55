// The Generate page in Debian's Chromium against the real API (wrangler dev) serving the tiny random-weight
// bundle, published with apps/api/scripts/publish-bundle.mjs: images on wasm and on WebGPU (SwiftShader), the
// same tokens for the same seed on both, cancel, and a second visit served from the Cache API.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApi, type ApiServer } from "../support/api-server";
import { launchBrowser, type TestBrowser } from "../support/browser";
import { REPO_ROOT } from "../support/paths";
import { publishBundle } from "../support/publish";
import { startWeb, type WebApp } from "../support/web-app";

/** Set SCREENSHOT_DIR to keep a screenshot of each state for a human to look at. */
const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR;
const TINY_BUNDLE = join(REPO_ROOT, "packages/model/test/fixtures/tiny-bundle");
/** The version the API serves on "stable" (the fixture's card). */
const TINY_VERSION = (JSON.parse(readFileSync(join(TINY_BUNDLE, "card.json"), "utf8")) as { version: string })
  .version;
const REQUEST = { caption: "red apple", count: 4, seed: 7 };

/** Fills the form and presses Generate. */
async function startGeneration(page: Page, request: { caption: string; count: number; seed: number }) {
  await page.getByTestId("caption").fill(request.caption);
  await page.getByTestId("count").fill(String(request.count));
  await page.getByTestId("seed").fill(String(request.seed));
  await page.getByTestId("generate").click();
}

/** Waits until the page stops working and returns its phase (`done`, `cancelled` or `error`). */
async function settledPhase(page: Page, timeout = 90_000): Promise<string> {
  const status = page.locator(
    '[data-testid="status"]:is([data-phase="done"], [data-phase="cancelled"], [data-phase="error"])',
  );
  await status.waitFor({ timeout });
  const phase = (await status.getAttribute("data-phase")) ?? "";
  if (phase === "error") throw new Error(`the page failed: ${await page.getByTestId("error").textContent()}`);
  return phase;
}

/** Tokens of each finished candidate, by generation index. */
async function tokensByIndex(page: Page): Promise<Record<string, string>> {
  const cells = page.locator('[data-testid="candidate"][data-state="done"]');
  const out: Record<string, string> = {};
  for (const cell of await cells.all()) {
    out[(await cell.getAttribute("data-index")) ?? "?"] = (await cell.getAttribute("data-tokens")) ?? "";
  }
  return out;
}

/** For each canvas of the grid: whether it has opaque pixels of more than one colour. */
function canvasesPainted(page: Page): Promise<boolean[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLCanvasElement>('[data-testid="candidate"] canvas')).map(
      (canvas) => {
        const context = canvas.getContext("2d");
        if (!context) return false;
        const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
        const colours = new Set<number>();
        for (let p = 0; p < data.length; p += 4) {
          if ((data[p + 3] ?? 0) === 255)
            colours.add(((data[p] ?? 0) << 16) | ((data[p + 1] ?? 0) << 8) | (data[p + 2] ?? 0));
        }
        return colours.size > 1;
      },
    ),
  );
}

/**
 * ONNX Runtime's WebGPU sessions log "Some nodes were not assigned to the preferred execution providers" through
 * console.error whatever `ort.env.logLevel` says (the session's own `logSeverityLevel` governs it, and
 * @commonspace/model does not set it yet). Shape ops on the CPU are expected, so these lines are not errors.
 */
function isOrtNodeAssignmentWarning(message: string): boolean {
  return /\[W:onnxruntime:.*VerifyEachNodeIsAssignedToAnEp/.test(message);
}

async function screenshot(page: Page, name: string): Promise<void> {
  if (SCREENSHOT_DIR) await page.screenshot({ path: join(SCREENSHOT_DIR, name), fullPage: true });
}

/** Opens the Generate page, counting the model file requests it makes. */
async function openGenerate(browser: TestBrowser, web: WebApp, api: ApiServer) {
  const { page, errors } = await browser.newPage();
  const fileRequests: string[] = [];
  page.on(
    "request",
    (req) => req.url().startsWith(`${api.url}/v1/models/files/`) && fileRequests.push(req.url()),
  );
  await page.goto(`${web.url}/generate`);
  return { page, errors, fileRequests };
}

describe("generate page", () => {
  let api: ApiServer;
  let web: WebApp;
  let wasm: TestBrowser;
  let wasmTokens: Record<string, string> = {};

  beforeAll(async () => {
    api = await startApi();
    await publishBundle(api.url, TINY_BUNDLE);
    web = await startWeb(api.url);
    wasm = await launchBrowser();
  });

  afterAll(async () => {
    await wasm?.close();
    await web?.stop();
    await api?.stop();
  });

  it("downloads the model from the API and draws every image on wasm", async () => {
    const { page, errors, fileRequests } = await openGenerate(wasm, web, api);
    await startGeneration(page, REQUEST);
    expect(await settledPhase(page)).toBe("done");

    expect(await page.getByTestId("backend").getAttribute("data-backend")).toBe("wasm");
    expect(await page.getByTestId("backend-reason").textContent()).toContain("navigator.gpu");
    const grid = page.getByTestId("grid");
    expect(await grid.getAttribute("data-finished")).toBe(String(REQUEST.count));
    expect(await canvasesPainted(page)).toEqual(Array(REQUEST.count).fill(true));
    wasmTokens = await tokensByIndex(page);
    expect(Object.keys(wasmTokens).sort()).toEqual(["0", "1", "2", "3"]);
    for (const tokens of Object.values(wasmTokens)) expect(tokens.split(",")).toHaveLength(64);
    expect(fileRequests.length).toBe(8); // card, tokenizer and six graphs (maskgit included), once each
    await screenshot(page, "generate-wasm.png");
    expect(errors).toEqual([]);
  });

  it("loads from the Cache API on a second visit: no file is downloaded, and the same seed gives the same tokens", async () => {
    const { page, errors, fileRequests } = await openGenerate(wasm, web, api);
    await startGeneration(page, REQUEST);
    expect(await settledPhase(page)).toBe("done");
    expect(fileRequests).toEqual([]);
    expect(await page.getByTestId("download").count()).toBe(0);
    expect(await tokensByIndex(page)).toEqual(wasmTokens);
    expect(errors).toEqual([]);
  });

  it("offers the model's two decoding modes, changed by keyboard, remembered, and used to draw", async () => {
    const { page, errors } = await openGenerate(wasm, web, api);
    const decoding = page.getByRole("group", { name: "Decoding" });
    await decoding.waitFor({ timeout: 60_000 }); // once the cached model has loaded
    const autoregressive = decoding.getByLabel("autoregressive, 64 steps");
    const masked = decoding.getByLabel("masked, 4 steps");
    expect(await autoregressive.isChecked()).toBe(true); // the card's default_mode
    // Guidance shows the card's recommendation (the tiny bundle's 2, not the page's fallback of 8)
    const guidance = page.getByTestId("guidance");
    expect(await guidance.inputValue()).toBe("2");
    await autoregressive.focus();
    await page.keyboard.press("ArrowDown");
    expect(await masked.isChecked()).toBe(true);
    expect(await page.evaluate(() => localStorage.getItem("commonspace.mode"))).toBe("masked");
    expect(await guidance.inputValue()).toBe("2"); // card.maskgit.sampling.cfg_scale
    await guidance.fill(""); // an emptied field stays empty (no snapping back) and blocks Generate
    expect(await guidance.inputValue()).toBe("");
    expect(await page.getByTestId("generate").isDisabled()).toBe(true);
    await guidance.fill("3");
    expect(await page.getByTestId("generate").isEnabled()).toBe(true);

    await startGeneration(page, REQUEST);
    expect(await settledPhase(page)).toBe("done");
    const status = page.getByTestId("status");
    expect(await status.getAttribute("data-mode")).toBe("masked");
    expect(await status.textContent()).toContain("masked decoding, 4 steps");
    expect(Number(await status.getAttribute("data-partials"))).toBeGreaterThanOrEqual(1);
    expect(await canvasesPainted(page)).toEqual(Array(REQUEST.count).fill(true));
    await page.getByTestId("caption-this").click();
    await page.getByTestId("caption-of-best").waitFor({ timeout: 60_000 });
    // the tiny bundle was published without a dataset index: its own words stand, and the page says why
    expect(await page.getByTestId("caption-of-best").textContent()).toContain(
      "Its own words only: the dataset index could not be opened",
    );
    // a new grid drops the caption of the old best image
    await startGeneration(page, { ...REQUEST, seed: REQUEST.seed + 1 });
    expect(await settledPhase(page)).toBe("done");
    expect(await page.getByTestId("caption-of-best").count()).toBe(0);

    await page.reload();
    await page.getByRole("group", { name: "Decoding" }).waitFor({ timeout: 60_000 });
    expect(await page.getByLabel("masked, 4 steps").isChecked()).toBe(true);
    await page.evaluate(() => localStorage.removeItem("commonspace.mode"));
    await screenshot(page, "generate-masked.png");
    expect(errors).toEqual([]);
  });

  it("stops when Cancel is pressed and says so, leaving the grid unfinished", async () => {
    const { page, errors } = await openGenerate(wasm, web, api);
    await page.getByTestId("caption").fill("blue car");
    await page.getByTestId("count").fill("16");
    // Press Cancel as soon as the first partial image shows, from inside the page (no round trip).
    await page.evaluate(() => {
      const observer = new MutationObserver(() => {
        if (document.querySelector('[data-testid="candidate"][data-state="partial"]')) {
          observer.disconnect();
          document.querySelector<HTMLButtonElement>('[data-testid="cancel"]')?.click();
        }
      });
      observer.observe(document.body, { subtree: true, childList: true, attributes: true });
    });
    await page.getByTestId("generate").click();
    expect(await settledPhase(page)).toBe("cancelled");
    await expect.poll(() => page.getByTestId("cancelled").isVisible()).toBe(true);
    expect(Number(await page.getByTestId("grid").getAttribute("data-finished"))).toBe(0);
    expect(Number(await page.getByTestId("status").getAttribute("data-tokens-done"))).toBeLessThan(64);
    await screenshot(page, "generate-cancelled.png");
    expect(errors).toEqual([]);
  });

  describe("when the channel's manifest is tampered with (a version signed by no one)", () => {
    /** Answers the manifest with the real one whose version was edited after signing. */
    async function serveTamperedManifest(page: Page): Promise<void> {
      const real = (await (await fetch(`${api.url}/v1/models/channels/stable/manifest`)).json()) as {
        manifest: { version: string };
      };
      real.manifest.version = "9999.1.1";
      await page.route(`${api.url}/v1/models/channels/stable/manifest`, (route) =>
        route.fulfill({
          status: 200,
          contentType: "application/json",
          headers: { "access-control-allow-origin": "*", etag: '"tampered"' },
          body: JSON.stringify(real),
        }),
      );
    }

    it("keeps generating with the cached version and shows why the update was refused", async () => {
      const { page, errors } = await openGenerate(wasm, web, api);
      await serveTamperedManifest(page);
      await startGeneration(page, REQUEST);
      expect(await settledPhase(page)).toBe("done");
      expect(await page.getByTestId("status").getAttribute("data-version")).toBe(TINY_VERSION);
      expect(await page.getByTestId("warning").first().textContent()).toContain("refused");
      expect(await tokensByIndex(page)).toEqual(wasmTokens);
      await screenshot(page, "generate-update-refused.png");
      expect(errors).toEqual([]);
    });

    it("refuses to run it on a first visit, and says so", async () => {
      const fresh = await launchBrowser();
      try {
        const { page } = await openGenerate(fresh, web, api);
        await serveTamperedManifest(page);
        await startGeneration(page, REQUEST);
        await page.locator('[data-testid="status"][data-phase="error"]').waitFor({ timeout: 90_000 });
        const alert = page.getByRole("alert");
        expect(await alert.getAttribute("data-kind")).toBe("refused");
        expect(await alert.textContent()).toContain("refused");
        expect(await page.getByTestId("candidate").count()).toBe(0);
      } finally {
        await fresh.close();
      }
    });
  });

  describe("on WebGPU (SwiftShader)", () => {
    let gpu: TestBrowser;

    beforeAll(async () => {
      gpu = await launchBrowser({ extraArgs: ["--enable-unsafe-webgpu"] });
    });

    afterAll(async () => {
      await gpu?.close();
    });

    // SwiftShader runs WebGPU on the CPU: 45 s on an idle 2-core machine, twice that on a loaded CI one, so
    // this test waits longer than the others (it checks correctness, never speed).
    it("draws the same tokens as wasm for the same seed", { timeout: 360_000 }, async () => {
      const { page, errors } = await openGenerate(gpu, web, api);
      await startGeneration(page, REQUEST);
      expect(await settledPhase(page, 300_000)).toBe("done");
      const badge = page.getByTestId("backend");
      const reason = await page.getByTestId("backend-reason").textContent();
      await screenshot(page, "generate-webgpu.png");
      expect(await badge.getAttribute("data-backend"), `badge reason: ${reason}`).toBe("webgpu");
      expect(await canvasesPainted(page)).toEqual(Array(REQUEST.count).fill(true));
      expect(await tokensByIndex(page)).toEqual(wasmTokens);
      expect(errors.filter((e) => !isOrtNodeAssignmentWarning(e))).toEqual([]);
    });
  });

  describe("when the API is down and nothing is cached", () => {
    beforeAll(async () => {
      await api.stop();
    });

    it("says it cannot reach the API, with its address and how to start it", async () => {
      const fresh = await launchBrowser();
      try {
        const { page } = await openGenerate(fresh, web, api);
        await startGeneration(page, REQUEST);
        await page.locator('[data-testid="status"][data-phase="error"]').waitFor({ timeout: 90_000 });
        const alert = page.getByRole("alert");
        expect(await alert.getAttribute("data-kind")).toBe("api-down");
        expect(await alert.textContent()).toContain(api.url);
        expect(await alert.textContent()).toContain("npm run dev");
        expect(await page.getByTestId("grid").getAttribute("data-finished")).toBe("0");
        await screenshot(page, "generate-api-down.png");
      } finally {
        await fresh.close();
      }
    });
  });
});
