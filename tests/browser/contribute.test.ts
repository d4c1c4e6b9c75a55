// Contributing, moderating and labelling in Chromium against the real API (wrangler dev, D1, R2): a JPEG with GPS
// EXIF contributed on /contribute is stored with no metadata and shows as pending; approved on /moderate (keyboard)
// it is in browse and in the export; withdrawn by its contributor it leaves the export and its bytes are gone; ten
// tasks answered with the keyboard alone give ten answers and their judgments (negatives with vote counts) in the
// export; bad files and captions get an inline message and store nothing; with the API unreachable the form keeps
// what was typed. The test API counts one contributor's negative as enough (NEGATIVE_MIN_AGREEING=1) so that a
// single browser's answers show up as negatives.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devAdminToken } from "../support/api-server";
import { axeViolations } from "../support/axe";
import { REPO_ROOT } from "../support/paths";
import { startStack, type Stack } from "../support/stack";

const GPS_JPEG = join(REPO_ROOT, "apps/api/test/fixtures/metadata/photo-gps.jpg");
const ADMIN = { authorization: `Bearer ${devAdminToken()}` };

/** Serious or critical axe violations only (the bar). */
async function seriousViolations(page: Page): Promise<string[]> {
  return (await axeViolations(page)).filter((v) => /\((serious|critical)\)/.test(v));
}

interface ExportPair {
  type: string;
  image?: { sha256: string };
  caption?: { text: string };
  positive_votes?: number;
  negatives?: { negative_votes: number; rule: string }[];
}

describe("contribute, moderate, label", () => {
  let stack: Stack;
  let page: Page;
  let errors: string[];
  let contributedSha = "";

  const api = () => stack.api.url;
  async function exportRows(): Promise<ExportPair[]> {
    const text = await (await fetch(`${api()}/v1/export?limit=1000`, { headers: ADMIN })).text();
    return text
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as ExportPair);
  }
  async function pendingCount(): Promise<number> {
    const body = (await (await fetch(`${api()}/v1/admin/moderation/queue`, { headers: ADMIN })).json()) as {
      items: unknown[];
    };
    return body.items.length;
  }

  beforeAll(async () => {
    stack = await startStack({ seedPairs: 12, api: { vars: { NEGATIVE_MIN_AGREEING: "1" } } });
    ({ page, errors } = await stack.browser.newPage());
  });

  afterAll(() => stack?.stop());

  it("stores a contributed JPEG with GPS EXIF without any metadata, as pending", async () => {
    await page.goto(`${stack.web.url}/contribute`);
    await page.getByTestId("consent").waitFor();
    await page.getByTestId("image-input").setInputFiles(GPS_JPEG);
    await page.getByTestId("crop-preview").waitFor();
    await page.getByTestId("caption").fill("a wide green field under a pale sky");
    await page.getByTestId("consent").check();
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByTestId("submit").click();
    const result = page.getByTestId("submit-result");
    await result.waitFor();
    expect(await result.getAttribute("data-kind"), (await result.textContent()) ?? "").toBe("sent");

    const row = page.getByTestId("your-contribution").first();
    await row.waitFor();
    expect(await row.getAttribute("data-status")).toBe("pending");

    const queue = (await (await fetch(`${api()}/v1/admin/moderation/queue`, { headers: ADMIN })).json()) as {
      items: { image: { sha256: string; url: string } }[];
    };
    expect(queue.items).toHaveLength(1);
    const image = queue.items[0]!.image;
    contributedSha = image.sha256;
    const stored = Buffer.from(await (await fetch(`${api()}${image.url}`, { headers: ADMIN })).arrayBuffer());
    const original = readFileSync(GPS_JPEG);
    expect(original.includes("Exif")).toBe(true); // the fixture really carries EXIF (with GPS)
    for (const marker of ["Exif", "EXIF", "XMP ", "GPS", "http://ns.adobe.com/xap"])
      expect(stored.includes(marker), `stored bytes contain ${marker}`).toBe(false);
    expect(stored.length).toBeLessThanOrEqual(300 * 1024);
  });

  it("approves it on /moderate with the keyboard: it is in browse and in the export", async () => {
    await page.goto(`${stack.web.url}/moderate`);
    await page.getByTestId("admin-token").fill(devAdminToken());
    await page.getByTestId("admin-sign-in").click();
    const item = page.locator(`[data-testid="queue-item"][data-sha256="${contributedSha}"]`);
    await item.waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await item.focus();
    await page.keyboard.press("a");
    await page.getByTestId("queue-empty").waitFor();

    const browse = (await (await fetch(`${api()}/v1/images?limit=100`)).json()) as {
      items: { sha256: string }[];
    };
    expect(browse.items.map((i) => i.sha256)).toContain(contributedSha);
    expect((await exportRows()).some((r) => r.image?.sha256 === contributedSha)).toBe(true);
  });

  it("withdraws it for its contributor: out of the export, bytes gone", async () => {
    await page.goto(`${stack.web.url}/contribute`);
    const row = page.getByTestId("your-contribution").first();
    await row.waitFor();
    expect(await row.getAttribute("data-status")).toBe("approved");
    await row.getByTestId("withdraw").click();
    await page.locator('[data-testid="your-contribution"][data-status="withdrawn"]').waitFor();
    expect((await exportRows()).some((r) => r.image?.sha256 === contributedSha)).toBe(false);
    expect((await fetch(`${api()}/v1/images/${contributedSha}`, { headers: ADMIN })).status).toBe(404);
  });

  it("turns ten keyboard answers into ten answers and their judgments, negatives with vote counts", async () => {
    const images = (await (await fetch(`${api()}/v1/images?limit=100`)).json()) as {
      items: { sha256: string; concept: string }[];
    };
    const colourOf = new Map(images.items.map((i) => [i.sha256, i.concept.replace("test:", "")]));
    await page.goto(`${stack.web.url}/label`);
    let previous = "";
    for (let answer = 0; answer < 10; answer++) {
      const task = page.locator(`[data-testid="task"]:not([data-task-id="${previous}"])`);
      await task.waitFor();
      previous = (await task.getAttribute("data-task-id")) ?? "";
      const src = (await task.locator("img").first().getAttribute("src")) ?? "";
      const colour = colourOf.get(src.split("/").pop() ?? "") ?? "?";
      const texts = await task.getByTestId("candidate-choice").allTextContents();
      const key = texts.findIndex((t) => t.includes(`${colour} `));
      expect(key, `a candidate for ${colour} among ${texts.join(" | ")}`).toBeGreaterThanOrEqual(0);
      await page.keyboard.press(String(key + 1));
    }
    await expect.poll(() => page.getByTestId("label-score").textContent()).toContain("10 answered");
    await page.locator('[data-testid="outbox-waiting"]').waitFor({ state: "detached" });
    expect(await seriousViolations(page)).toEqual([]);

    const stored = JSON.parse(
      (await page.evaluate(() => localStorage.getItem("commonspace.contributor"))) ?? "{}",
    ) as {
      token: string;
    };
    const agreement = (await (
      await fetch(`${api()}/v1/contributors/me/agreement`, {
        headers: { authorization: `Bearer ${stored.token}` },
      })
    ).json()) as { answers: number; judgments: number };
    expect(agreement.answers).toBe(10);
    expect(agreement.judgments).toBe(40); // k = 4: one positive and three negatives per answer
    const rows = await exportRows();
    const voted = rows.filter((r) => (r.positive_votes ?? 0) > 0);
    expect(voted.length).toBeGreaterThanOrEqual(1);
    const negatives = rows.flatMap((r) => r.negatives ?? []);
    expect(negatives.length).toBeGreaterThanOrEqual(10);
    for (const negative of negatives) {
      expect(negative.negative_votes).toBeGreaterThanOrEqual(1);
      expect(typeof negative.rule).toBe("string");
    }
  });

  it("refuses a text file named .png, a 30 MB image and an empty caption inline, storing nothing", async () => {
    const before = await pendingCount();
    await page.goto(`${stack.web.url}/contribute`);
    await page.getByTestId("consent").waitFor();
    const input = page.getByTestId("image-input");
    await input.setInputFiles({
      name: "notes.png",
      mimeType: "image/png",
      buffer: Buffer.from("just some text\n"),
    });
    expect(await page.getByTestId("image-error").textContent()).toContain("cannot be decoded");
    const huge = Buffer.alloc(30 * 1024 * 1024);
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(huge);
    await input.setInputFiles({ name: "huge.png", mimeType: "image/png", buffer: huge });
    expect(await page.getByTestId("image-error").textContent()).toContain("30.0 MB");
    await input.setInputFiles(GPS_JPEG);
    await page.getByTestId("crop-preview").waitFor();
    await page.getByTestId("caption").fill("\u200B\u200D\u200B");
    expect(await page.getByTestId("caption-help").textContent()).toContain("invisible");
    await page.getByTestId("consent").check();
    expect(await page.getByTestId("submit").isDisabled()).toBe(true);
    expect(await pendingCount()).toBe(before);
  });

  it("keeps what was typed and says so when the API cannot be reached", async () => {
    await page.goto(`${stack.web.url}/contribute`);
    await page.getByTestId("consent").waitFor();
    await page.route(`${api()}/**`, (route) => route.abort("connectionrefused"));
    try {
      await page.getByTestId("image-input").setInputFiles(GPS_JPEG);
      await page.getByTestId("crop-preview").waitFor();
      await page.getByTestId("caption").fill("a field, sent while the API is down");
      await page.getByTestId("consent").check();
      await page.getByTestId("submit").click();
      const result = page.getByTestId("submit-result");
      await result.waitFor();
      expect(await result.getAttribute("data-kind")).toBe("queued");
      expect(await result.textContent()).toContain("sent as soon as the API can be reached");
      expect(await page.getByTestId("caption").inputValue()).toBe("a field, sent while the API is down");
    } finally {
      await page.unroute(`${api()}/**`);
    }
    expect(
      errors.filter((e) => !/net::|Failed to fetch|Failed to load resource/.test(e)),
      errors.join("\n"),
    ).toEqual([]);
  });
});
