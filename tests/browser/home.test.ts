// The home page in Debian's Chromium against the real API (wrangler dev, local D1): it shows the API's health
// read through the typed client, and says clearly when the API cannot be reached.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApi, type ApiServer } from "../support/api-server";
import { launchBrowser, type TestBrowser } from "../support/browser";
import { startWeb, type WebApp } from "../support/web-app";

/** Set SCREENSHOT_DIR to keep a screenshot of each state for a human to look at. */
const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR;

describe("home page", () => {
  let api: ApiServer;
  let web: WebApp;
  let browser: TestBrowser;

  beforeAll(async () => {
    api = await startApi();
    web = await startWeb(api.url);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await api?.stop();
  });

  it("shows the API's status and database, fetched from /v1/health by the browser", async () => {
    const { page, errors } = await browser.newPage();
    const healthStatuses: number[] = [];
    page.on("response", (res) => res.url() === `${api.url}/v1/health` && healthStatuses.push(res.status()));
    await page.goto(web.url);

    await page.locator('[data-testid="api-health"]:not([data-state="checking"])').waitFor();
    const card = page.getByTestId("api-health");
    expect(await card.getAttribute("data-state"), `the card says: ${await card.textContent()}`).toBe("ok");
    expect(healthStatuses).toEqual([200]);
    expect(await card.getByTestId("health-status").textContent()).toBe("ok");
    expect(await card.getByTestId("health-database").textContent()).toBe("commonspace");
    expect(await page.getByRole("navigation", { name: "Main" }).getByRole("link").allTextContents()).toEqual([
      "Home",
      "Generate",
      "Contribute",
      "Label",
      "Explore",
      "Models",
      "Moderate",
    ]);
    if (SCREENSHOT_DIR) await page.screenshot({ path: join(SCREENSHOT_DIR, "home-ok.png"), fullPage: true });
    expect(errors).toEqual([]);
  });

  describe("when the API is down", () => {
    beforeAll(async () => {
      await api.stop();
    });

    it("shows an error that names the API's address and how to start it", async () => {
      const { page } = await browser.newPage();
      await page.goto(web.url);

      await page.locator('[data-testid="api-health"]:not([data-state="checking"])').waitFor();
      const card = page.getByTestId("api-health");
      expect(await card.getAttribute("data-state")).toBe("unreachable");
      const alert = card.getByRole("alert");
      expect(await alert.textContent()).toContain("Cannot reach the API");
      expect(await alert.textContent()).toContain(api.url);
      expect(await alert.textContent()).toContain("npm run dev");
      expect(await card.getByTestId("health-status").count()).toBe(0);
      if (SCREENSHOT_DIR)
        await page.screenshot({ path: join(SCREENSHOT_DIR, "home-down.png"), fullPage: true });
    });
  });
});
