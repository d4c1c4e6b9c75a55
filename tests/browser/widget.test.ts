// The embeddable widget on a third-party site, in Chromium: three origins (the host page, the web app serving
// /widget/, the API), a strict CSP sent by the host, host CSS that clashes with the widgets, two generate widgets
// and a label widget on one page. Both generations share one model download; the events reach the host's own
// script; no style crosses the shadow boundary either way; nothing is logged as an error; a label answer
// becomes judgments in the API. Then the widgets with bad attributes, and the size budget and serving headers
// of the built files.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, HOST } from "../support/free-port";
import { REPO_ROOT } from "../support/paths";
import { startStack, type Stack } from "../support/stack";
import { hostCsp, startHostSite, type HostSite } from "../support/widget-host";
import { CLASH, widgetHostFiles } from "../support/widget-host-page";

/** Set SCREENSHOT_DIR to keep a screenshot of each page for a human to look at. */
const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR;
const TINY_BUNDLE = join(REPO_ROOT, "packages/model/test/fixtures/tiny-bundle");
const VERSION_FILE = readFileSync(join(REPO_ROOT, "apps/web/src/widget/version.ts"), "utf8");
const WIDGET_VERSION = /WIDGET_VERSION = "([^"]+)"/.exec(VERSION_FILE)?.[1] ?? "?";
/** packages/model's onnxruntime-web, the copy the widget's worker bundles. */
const ORT_ENTRY = createRequire(join(REPO_ROOT, "packages/model/package.json"));
/** The budget for the widget's own JavaScript (gzip), onnxruntime-web excluded (issue #13). */
const BUDGET_GZIP_BYTES = 60 * 1024;

/** The widget elements as the tests use them (the page's own types are not visible from here). */
interface GenerateElement extends HTMLElement {
  generate(): Promise<unknown>;
  cancel(): void;
  caption: string;
  count: number;
  seed: number | undefined;
  channel: string;
  readonly state: string;
}
interface LabelElement extends HTMLElement {
  kind: string;
  readonly currentTask: { id: string; token: string; candidates: { id: string }[] } | undefined;
}

interface LogEntry {
  type: string;
  target: string;
  [key: string]: unknown;
}

function hostLog(page: Page): Promise<LogEntry[]> {
  return page.evaluate(() => (window as unknown as { hostLog: LogEntry[] }).hostLog);
}

/** Waits until the host has logged an event with every field of `match` (a function: the CSP forbids eval). */
async function waitForLog(page: Page, match: Record<string, unknown>): Promise<void> {
  await page.waitForFunction(
    (match) =>
      ((window as unknown as { hostLog?: Record<string, unknown>[] }).hostLog ?? []).some((entry) =>
        Object.entries(match).every(([key, value]) => entry[key] === value),
      ),
    match,
    { timeout: 90_000 },
  );
}

/** Computed styles of elements inside a widget's shadow root (by selector) or of the page (no host id). */
function styles(page: Page, host: string | null, selector: string, properties: string[]) {
  return page.evaluate(
    ({ host, selector, properties }) => {
      const root = host ? document.getElementById(host)!.shadowRoot! : document;
      const element = root.querySelector(selector);
      if (!element) return null;
      const style = getComputedStyle(element);
      return Object.fromEntries(properties.map((p) => [p, style.getPropertyValue(p)]));
    },
    { host, selector, properties },
  );
}

/** Whether each canvas of a widget's grid shows more than one opaque colour. */
function gridPainted(page: Page, host: string): Promise<boolean[]> {
  return page.evaluate((host) => {
    const canvases = document
      .getElementById(host)!
      .shadowRoot!.querySelectorAll<HTMLCanvasElement>(".grid canvas");
    return Array.from(canvases).map((canvas) => {
      const { data } = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height);
      const colours = new Set<number>();
      for (let p = 0; p < data.length; p += 4)
        if (data[p + 3] === 255) colours.add((data[p]! << 16) | (data[p + 1]! << 8) | data[p + 2]!);
      return colours.size > 1;
    });
  }, host);
}

function errorText(page: Page, host: string): Promise<string | null> {
  return page.evaluate((host) => {
    const line = document.getElementById(host)!.shadowRoot!.querySelector<HTMLElement>('[part="error"]')!;
    return line.hidden ? null : line.textContent;
  }, host);
}

describe("the embeddable widget on another site", () => {
  let stack: Stack;
  let host: HostSite;
  let widgetUrl: string;
  let integrity: string;
  let files: Record<string, string>;
  let unreachableApi: string;

  beforeAll(async () => {
    stack = await startStack({ bundles: [{ dir: TINY_BUNDLE, channel: "stable" }], seedPairs: 8 });
    widgetUrl = `${stack.web.url}/widget/${WIDGET_VERSION}/commonspace-widget.js`;
    const manifest = (await (
      await fetch(`${stack.web.url}/widget/${WIDGET_VERSION}/integrity.json`)
    ).json()) as {
      files: Record<string, string>;
    };
    files = manifest.files;
    integrity = manifest.files["commonspace-widget.js"] ?? "";
    unreachableApi = `http://${HOST}:${await freePort()}`;
    const policy = { widgetOrigin: stack.web.url, apiOrigins: [stack.api.url, unreachableApi] };
    const [csp, cspWithoutWorkers] = [hostCsp(policy), hostCsp({ ...policy, workerSrc: "'none'" })];
    host = await startHostSite(
      widgetHostFiles({ widgetUrl, integrity, api: stack.api.url, unreachableApi, csp, cspWithoutWorkers }),
    );
  });

  afterAll(async () => {
    await host?.stop();
    await stack?.stop();
  });

  it("runs two generate widgets and a label widget under a strict CSP, one download, no leaks, no errors", async () => {
    expect(
      new Set([new URL(host.url).origin, new URL(stack.web.url).origin, new URL(stack.api.url).origin]).size,
    ).toBe(3);
    const { page, errors } = await stack.browser.newPage();
    const fileRequests: string[] = [];
    page.on(
      "request",
      (req) => req.url().startsWith(`${stack.api.url}/v1/models/files/`) && fileRequests.push(req.url()),
    );
    await page.goto(`${host.url}/`);
    await page.waitForFunction(() => customElements.get("commonspace-generate") !== undefined, undefined, {
      timeout: 30_000,
    });

    // Both widgets generate at once: one worker, one download.
    await page.locator("#apples").getByRole("button", { name: "Generate" }).click();
    await page.locator("#squares").getByRole("button", { name: "Generate" }).click();
    await waitForLog(page, { type: "commonspace-result", target: "apples" });
    await waitForLog(page, { type: "commonspace-result", target: "squares" });
    expect(fileRequests.length).toBeGreaterThanOrEqual(5);
    expect(new Set(fileRequests).size).toBe(fileRequests.length);
    // One model worker for the page, started from a blob: URL (the widget's files are on another origin).
    expect(page.workers().map((w) => w.url())).toEqual([expect.stringMatching(/^blob:/)]);

    const log = await hostLog(page);
    // The two widgets share one worker, which runs their requests one after the other in arrival order: which
    // finishes first depends on which element connected first, so the order of the events is not part of it.
    const results = log
      .filter((e) => e.type === "commonspace-result")
      .sort((a, b) => String(a.target).localeCompare(String(b.target)));
    expect(results.map((r) => [r.target, r.caption, r.seed])).toEqual([
      ["apples", "red apple", 7],
      ["squares", "blue square", 3],
    ]);
    const first = results[0]!;
    expect(first.images).toHaveLength(4);
    for (const [kind, width, height, length] of first.images as [string, number, number, number][]) {
      expect(kind).toBe("ImageData");
      expect(width).toBeGreaterThan(0);
      expect([height, length]).toEqual([width, width * width * 4]);
    }
    expect(
      (first.blobs as [string, string, number][]).every(
        ([k, t, s]) => k === "Blob" && t === "image/png" && s > 0,
      ),
    ).toBe(true);
    const pngs = await page.evaluate(() => (window as unknown as { hostPng: [string, number[]][] }).hostPng);
    expect(pngs.map(([, bytes]) => bytes)).toEqual([
      [137, 80, 78, 71, 13, 10, 26, 10],
      [137, 80, 78, 71, 13, 10, 26, 10],
    ]);
    expect(log.some((e) => e.type === "commonspace-progress" && e.stage === "download")).toBe(true);
    expect(
      log.some((e) => e.type === "commonspace-progress" && e.target === "squares" && e.stage === "generate"),
    ).toBe(true);
    expect(await gridPainted(page, "apples")).toEqual([true, true, true, true]);
    expect(await gridPainted(page, "squares")).toEqual([true, true]);

    // The label widget: consent line, Start (creates the contributor on this origin), one answer.
    const label = page.locator("#label");
    await expect.poll(() => label.locator('[part="consent"]').textContent()).toContain("anonymous judgments");
    await label.getByRole("button", { name: "Start labelling" }).click();
    await label.locator('[part~="choice"]').first().waitFor();
    const task = await page.evaluate(() => (document.getElementById("label") as LabelElement).currentTask!);
    await label.locator('[part~="choice"]').first().click();
    await waitForLog(page, { type: "commonspace-answer" });
    const answer = (await hostLog(page)).find((e) => e.type === "commonspace-answer")!;
    expect(answer).toMatchObject({
      target: "label",
      taskId: task.id,
      choice: task.candidates[0]!.id,
      judgments: 4,
    });
    // The answer is in the API: answering the same task again is refused as already answered.
    const token = await page.evaluate(
      (api) => localStorage.getItem(`commonspace-widget.contributor:${api}`),
      stack.api.url,
    );
    expect(token).toMatch(/^cst_/);
    const again = await fetch(`${stack.api.url}/v1/tasks/${task.id}/answer`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ token: task.token, choice: "none" }),
    });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe("task_already_answered");
    await label.locator('[part~="choice"]').first().waitFor(); // the next task is shown

    // Attributes and properties mirror each other; a new kind shows a task of that kind at once.
    const apples = await page.evaluate(() => {
      const element = document.getElementById("apples") as GenerateElement;
      return [element.caption, element.count, element.seed, element.channel];
    });
    expect(apples).toEqual(["red apple", 4, 7, "stable"]);
    await page.evaluate(
      () => ((document.getElementById("label") as LabelElement).kind = "image-for-caption"),
    );
    expect(await label.getAttribute("kind")).toBe("image-for-caption");
    await label.locator('[part~="choice-image"]').first().waitFor();

    // No style crosses the shadow boundary, either way.
    const inside = await styles(page, "apples", ".base", [
      "color",
      "font-family",
      "letter-spacing",
      "display",
      "background-color",
    ]);
    expect(inside).toMatchObject({ color: "rgb(29, 33, 40)", "letter-spacing": "normal", display: "block" });
    expect(inside!["font-family"]).toMatch(/^system-ui/);
    expect(await styles(page, "apples", ".grid", ["display", "padding-top", "background-color"])).toEqual({
      display: "grid",
      "padding-top": "0px",
      "background-color": "rgba(0, 0, 0, 0)",
    });
    expect(await styles(page, "apples", ".grid canvas", ["border-top-width", "display"])).toEqual({
      "border-top-width": "0px",
      display: "block",
    });
    const button = await styles(page, "apples", '[part~="generate-button"]', [
      "background-color",
      "font-size",
      "color",
    ]);
    expect(button).toEqual({
      "background-color": "rgb(43, 85, 201)",
      "font-size": "14px",
      color: "rgb(255, 255, 255)",
    });
    expect(await styles(page, "label", ".choice", ["padding-top", "font-family"])).toMatchObject({
      "padding-top": "6px",
    });
    expect(
      await styles(page, null, "#host-grid", ["display", "padding-top", "background-color", "color"]),
    ).toEqual({
      display: "inline",
      "padding-top": CLASH.classPadding,
      "background-color": CLASH.classBackground,
      color: CLASH.colour,
    });
    expect(await styles(page, null, "#host-button", ["background-color", "font-size"])).toEqual({
      "background-color": CLASH.buttonBackground,
      "font-size": CLASH.buttonFontSize,
    });
    expect(
      await page.evaluate(() => ({
        adopted: document.adoptedStyleSheets.length,
        sheets: document.styleSheets.length,
        styleElements: document.querySelectorAll("style").length,
      })),
    ).toEqual({ adopted: 0, sheets: 1, styleElements: 0 });

    // cancel() right after generate(): nothing is generated, nothing fails.
    const cancelled = await page.evaluate(async () => {
      const element = document.getElementById("squares") as GenerateElement;
      const generation = element.generate();
      element.cancel();
      return [await generation, element.state];
    });
    expect(cancelled).toEqual([null, "cancelled"]);
    expect((await hostLog(page)).filter((e) => e.type === "commonspace-error")).toEqual([]);

    await page.locator("#host-button").click();
    expect(await page.locator("#host-count").textContent()).toBe("1");
    if (SCREENSHOT_DIR)
      await page.screenshot({ path: join(SCREENSHOT_DIR, "widget-host.png"), fullPage: true });
    expect(errors).toEqual([]);
  });

  it("shows a clear message and fires commonspace-error for each bad attribute, and the page keeps working", async () => {
    const { page, errors } = await stack.browser.newPage();
    await page.goto(`${host.url}/bad.html`);
    await page.waitForFunction(() => customElements.get("commonspace-generate") !== undefined, undefined, {
      timeout: 30_000,
    });
    await page.evaluate(() => (document.getElementById("empty-caption") as GenerateElement).generate());
    await page.locator("#label-unreachable").getByRole("button", { name: "Start labelling" }).click();
    await waitForLog(page, { target: "unreachable", code: "api-unreachable" });
    await waitForLog(page, { target: "label-unreachable", code: "api-unreachable" });

    const expected: [string, string, string][] = [
      [
        "too-many",
        "invalid-attribute",
        'The count attribute is "1000"; expected a whole number from 1 to 16',
      ],
      [
        "empty-caption",
        "invalid-attribute",
        'The caption attribute is ""; expected a description of the image',
      ],
      [
        "unknown-channel",
        "invalid-attribute",
        'The channel attribute is "nightly"; expected one of "stable", "beta"',
      ],
      ["unreachable", "api-unreachable", `Cannot reach the Commonspace API at ${unreachableApi}`],
      ["label-unreachable", "api-unreachable", `Cannot reach the Commonspace API at ${unreachableApi}`],
      ["label-kind", "invalid-attribute", 'The kind attribute is "draw"'],
    ];
    const log = (await hostLog(page)).filter((e) => e.type === "commonspace-error");
    for (const [id, code, message] of expected) {
      expect(await errorText(page, id), id).toContain(message);
      expect(
        log.find((e) => e.target === id),
        id,
      ).toMatchObject({ code });
    }
    expect(await page.evaluate(() => (document.getElementById("too-many") as GenerateElement).state)).toBe(
      "error",
    );

    // Fixing an attribute clears the message; the host page goes on working throughout.
    await page.evaluate(() => ((document.getElementById("too-many") as GenerateElement).count = 2));
    await expect.poll(() => errorText(page, "too-many")).toBeNull();
    expect(await page.evaluate(() => document.getElementById("too-many")!.getAttribute("count"))).toBe("2");
    await page.locator("#host-button").click();
    expect(await page.locator("#host-count").textContent()).toBe("1");
    if (SCREENSHOT_DIR)
      await page.screenshot({ path: join(SCREENSHOT_DIR, "widget-bad.png"), fullPage: true });
    expect(errors.filter((e) => e.startsWith("uncaught"))).toEqual([]);
  });

  it("says which CSP directive to add when the host's policy refuses the model worker", async () => {
    const { page, errors } = await stack.browser.newPage();
    await page.goto(`${host.url}/no-worker.html`);
    await waitForLog(page, { target: "no-worker", code: "worker-error" });
    expect(await errorText(page, "no-worker")).toContain("it must allow worker-src blob:");
    await page.locator("#host-button").click();
    expect(await page.locator("#host-count").textContent()).toBe("1");
    expect(errors.filter((e) => e.startsWith("uncaught"))).toEqual([]);
  });

  it("serves the built module within its size budget, with SRI, CORS and immutable caching", async () => {
    const res = await fetch(widgetUrl);
    const source = Buffer.from(await res.arrayBuffer());
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("cross-origin-resource-policy")).toBe("cross-origin");
    expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(`sha384-${createHash("sha384").update(source).digest("base64")}`).toBe(integrity);
    // The budget counts the entry and our share of the worker (its size less onnxruntime-web's own JS, which the
    // worker bundles and loads only when a model is needed); ORT's glue and .wasm are separate files.
    const gzip = (bytes: Uint8Array | string) => gzipSync(bytes, { level: 9 }).length;
    const workerFile = Object.keys(files).find((name) => name.startsWith("model-worker-"))!;
    const worker = Buffer.from(
      await (await fetch(`${stack.web.url}/widget/${WIDGET_VERSION}/${workerFile}`)).arrayBuffer(),
    );
    const ort = readFileSync(join(dirname(ORT_ENTRY.resolve("onnxruntime-web")), "ort.min.mjs"));
    const own = gzip(source) + Math.max(0, gzip(worker) - gzip(ort));
    console.log(
      `widget: entry ${source.length} B (${gzip(source)} B gzip), worker ${worker.length} B (${gzip(worker)} B gzip, ` +
        `${gzip(ort)} B of it onnxruntime-web): own JavaScript ${own} B gzip, budget ${BUDGET_GZIP_BYTES} B`,
    );
    expect(own).toBeLessThanOrEqual(BUDGET_GZIP_BYTES);
    // One file: everything a host loads before a model is needed (no static imports of other chunks), and no
    // onnxruntime-web in it (the worker and ORT load only when a model does).
    expect(source.toString()).not.toMatch(/^\s*import\s/m);
    expect(source.toString()).not.toContain("InferenceSession");

    const latest = await fetch(`${stack.web.url}/widget/latest/commonspace-widget.js`);
    expect(latest.headers.get("cache-control")).toBe("public, max-age=300");
    expect(await latest.text()).toContain(`export * from "../${WIDGET_VERSION}/commonspace-widget.js"`);
    const wasm = await fetch(`${stack.web.url}/widget/${WIDGET_VERSION}/ort-wasm-simd-threaded.jsep.wasm`, {
      method: "HEAD",
    });
    expect([
      wasm.status,
      wasm.headers.get("content-type"),
      wasm.headers.get("access-control-allow-origin"),
    ]).toEqual([200, "application/wasm", "*"]);
  });
});
