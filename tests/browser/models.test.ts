// Model updates as a person sees them, in Chromium against the real API: version 1 (the tiny bundle) on stable,
// version 2 (the format-2 tiny bundle: other weights) published to beta. On /models the device switches to beta,
// a corrupted download is refused and version 1 stays, the real one is downloaded with progress, verified and
// used by Generate; rollback returns to version 1 from the cache; a tampered manifest is refused; every page
// shows the waiting update; and with the network cut, /generate reloads and generates.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiServer } from "../support/api-server";
import { untilServiceWorkerControls } from "../support/service-worker";
import { axeViolations } from "../support/axe";
import type { TestBrowser } from "../support/browser";
import { REPO_ROOT } from "../support/paths";
import { publishBundle } from "../support/publish";
import { startStack, type Stack } from "../support/stack";
import type { WebApp } from "../support/web-app";

const FIXTURES = join(REPO_ROOT, "packages/model/test/fixtures");
const V1_DIR = join(FIXTURES, "tiny-bundle");
const V2_DIR = join(FIXTURES, "tiny-bundle-format2");
const versionOf = (dir: string) =>
  (JSON.parse(readFileSync(join(dir, "card.json"), "utf8")) as { version: string }).version;
const V1 = versionOf(V1_DIR);
const V2 = versionOf(V2_DIR);
const REQUEST = { caption: "red apple", count: 4, seed: 7 };

/** Generates REQUEST on /generate and returns the model version used and the tokens by candidate index. */
async function generateOn(page: Page, base: string): Promise<{ version: string; tokens: string }> {
  await page.goto(`${base}/generate`);
  await page.getByTestId("caption").fill(REQUEST.caption);
  await page.getByTestId("count").fill(String(REQUEST.count));
  await page.getByTestId("seed").fill(String(REQUEST.seed));
  await page.getByTestId("generate").click();
  const status = page.locator('[data-testid="status"]:is([data-phase="done"], [data-phase="error"])');
  await status.waitFor({ timeout: 90_000 });
  if ((await status.getAttribute("data-phase")) === "error")
    throw new Error(`generate failed: ${await page.getByTestId("error").textContent()}`);
  const cells = await page.locator('[data-testid="candidate"][data-state="done"]').all();
  const tokens: string[] = [];
  for (const cell of cells)
    tokens.push(`${await cell.getAttribute("data-index")}:${await cell.getAttribute("data-tokens")}`);
  return { version: (await status.getAttribute("data-version")) ?? "", tokens: tokens.sort().join("|") };
}

/** The version /models says the device runs, once it has settled. */
async function deviceVersion(page: Page): Promise<string> {
  const version = page.locator('[data-testid="device-version"]:not([data-version=""])');
  await version.waitFor({ timeout: 60_000 });
  return (await version.getAttribute("data-version")) ?? "";
}

/** The message the last action on /models left, once there is one. */
async function actionMessage(page: Page): Promise<{ kind: string; text: string }> {
  const message = page.getByTestId("models-message");
  await message.waitFor({ timeout: 60_000 });
  return { kind: (await message.getAttribute("data-kind")) ?? "", text: (await message.textContent()) ?? "" };
}

describe("model updates on /models", () => {
  let stack: Stack;
  let api: ApiServer;
  let web: WebApp;
  let browser: TestBrowser;
  let page: Page;
  let errors: string[];
  const fileRequests: string[] = [];
  let v1: { version: string; tokens: string };

  beforeAll(async () => {
    stack = await startStack({ bundles: [{ dir: V1_DIR, channel: "stable" }] });
    ({ api, web, browser } = stack);
    ({ page, errors } = await browser.newPage());
    page.on(
      "request",
      (req) => req.url().startsWith(`${api.url}/v1/models/files/`) && fileRequests.push(req.url()),
    );
    v1 = await generateOn(page, web.url);
  });

  afterAll(() => stack?.stop());

  it("follows beta, refuses a corrupted download, then installs the new version with progress and Generate uses it", async () => {
    expect(v1.version).toBe(V1);
    await publishBundle(api.url, V2_DIR, "beta");
    await page.goto(`${web.url}/models`);
    expect(await deviceVersion(page)).toBe(V1);
    // The test API signs with the development key, and the page says so.
    expect(await page.getByTestId("signed-by").getAttribute("data-development")).toBe("true");
    await page.locator(`[data-testid="published-version"][data-version="${V2}"]`).waitFor();
    expect(await axeViolations(page)).toEqual([]);

    await page.getByTestId("channel-beta").check();
    const install = page.getByTestId("install-update");
    await expect.poll(() => install.textContent(), { timeout: 30_000 }).toContain(V2);

    // Every file of version 2 arrives with one byte flipped: refused, version 1 stays.
    await page.route(`${api.url}/v1/models/files/**`, async (route) => {
      const response = await route.fetch();
      const body = Buffer.from(await response.body());
      body[body.length >> 1] = (body[body.length >> 1] ?? 0) ^ 0x01;
      await route.fulfill({ response, body });
    });
    await install.click();
    const refused = await actionMessage(page);
    expect(refused.kind).toBe("error");
    expect(refused.text).toMatch(/SHA-256|integrity|does not match/i);
    expect(await deviceVersion(page)).toBe(V1);
    await page.unroute(`${api.url}/v1/models/files/**`);

    // The real download: per-file progress shows, then the new version is active.
    await page.evaluate(() => {
      const seen = ((window as unknown as { progressSeen: boolean }).progressSeen = false);
      void seen;
      new MutationObserver(() => {
        if (document.querySelector('[data-testid="download-file"]'))
          (window as unknown as { progressSeen: boolean }).progressSeen = true;
      }).observe(document.body, { subtree: true, childList: true });
    });
    const before = fileRequests.length;
    await install.click();
    expect((await actionMessage(page)).text).toContain(`Installed and verified ${V2}`);
    expect(await deviceVersion(page)).toBe(V2);
    expect(await page.evaluate(() => (window as unknown as { progressSeen: boolean }).progressSeen)).toBe(
      true,
    );
    expect(fileRequests.length).toBeGreaterThan(before);
    const slots = page.getByTestId("cached-version");
    await expect.poll(() => slots.count()).toBe(2);
    expect(
      await page.locator('[data-testid="cached-version"][data-slot="previous"]').getAttribute("data-version"),
    ).toBe(V1);

    const v2 = await generateOn(page, web.url);
    expect(v2.version).toBe(V2);
    expect(v2.tokens).not.toBe(v1.tokens);
  });

  it("rolls back to the previous cached version without downloading anything", async () => {
    await page.goto(`${web.url}/models`);
    expect(await deviceVersion(page)).toBe(V2);
    const before = fileRequests.length;
    await page.getByTestId("rollback").click();
    expect((await actionMessage(page)).text).toContain(`Back to ${V1}`);
    expect(await deviceVersion(page)).toBe(V1);
    const again = await generateOn(page, web.url);
    expect(again).toEqual(v1);
    expect(fileRequests.length).toBe(before);
  });

  it("shows the waiting update on every page, with its size, and downloads nothing until asked", async () => {
    const before = fileRequests.length;
    await page.goto(`${web.url}/label`);
    const notice = page.getByTestId("update-notice");
    await notice.waitFor({ timeout: 30_000 });
    expect(await notice.getAttribute("data-version")).toBe(V2);
    expect(await notice.textContent()).toMatch(/\d+(\.\d+)? (MB|KB) to download/);
    expect(fileRequests.length).toBe(before);
  });

  it("refuses a manifest with one flipped byte and keeps the version it has", async () => {
    const real = await (await fetch(`${api.url}/v1/models/channels/beta/manifest`)).text();
    const at = real.indexOf(V2) + V2.length - 1;
    const flipped = real.slice(0, at) + String.fromCharCode(real.charCodeAt(at) ^ 0x01) + real.slice(at + 1);
    await page.route(`${api.url}/v1/models/channels/beta/manifest`, (route) =>
      route.fulfill({
        status: 200,
        contentType: "application/json",
        // The worker sends If-None-Match, so the request is preflighted: allow it as the real API does.
        headers: {
          "access-control-allow-origin": "*",
          "access-control-allow-headers": "*",
          "access-control-expose-headers": "ETag",
          etag: '"flipped"',
        },
        body: flipped,
      }),
    );
    await page.goto(`${web.url}/models`);
    expect(await deviceVersion(page)).toBe(V1);
    await page.getByTestId("check-update").click();
    const message = await actionMessage(page);
    expect(message.kind, message.text).toBe("error");
    expect(message.text).toContain("refused");
    expect(await deviceVersion(page)).toBe(V1);
    expect(await page.getByTestId("install-update").isDisabled()).toBe(true);
    await page.unroute(`${api.url}/v1/models/channels/beta/manifest`);
  });

  it("reloads /generate and generates with the network cut, after one visit", async () => {
    await untilServiceWorkerControls(page);
    await browser.context.setOffline(true);
    try {
      const offline = await generateOn(page, web.url);
      expect(offline).toEqual(v1);
    } finally {
      await browser.context.setOffline(false);
    }
    expect(
      errors.filter(
        (e) => !/net::|Failed to fetch|ERR_INTERNET_DISCONNECTED|Failed to load resource/.test(e),
      ),
    ).toEqual([]);
  });
});
