// The offline write queue in Chromium against the real API: on /label, an answer given with the network cut
// waits in IndexedDB, survives a reload, and reaches the API exactly once when the network returns.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { axeViolations } from "../support/axe";
import { untilServiceWorkerControls } from "../support/service-worker";
import { startStack, type Stack } from "../support/stack";

describe("offline writes", () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ seedPairs: 8 });
  });

  afterAll(() => stack?.stop());

  /** Answers to the API as the page sent them: the status of each request that got an answer, and its body. */
  function answerLog(page: Page): { statuses: number[]; bodies: string[] } {
    const log = { statuses: [] as number[], bodies: [] as string[] };
    page.on("response", (res) => {
      if (!/\/v1\/tasks\/[^/]+\/answer$/.test(res.url())) return;
      log.statuses.push(res.status());
      log.bodies.push(res.request().postData() ?? "");
    });
    return log;
  }

  it("queues an answer given offline, keeps it across a reload, and sends it once when the network returns", async () => {
    const { page, errors } = await stack.browser.newPage();
    const { statuses, bodies } = answerLog(page);
    await page.goto(`${stack.web.url}/label`);
    const task = page.getByTestId("task");
    await task.waitFor();
    const taskId = await task.getAttribute("data-task-id");
    expect(await axeViolations(page)).toEqual([]);
    await untilServiceWorkerControls(page); // the reload below is served by the service worker

    await stack.browser.context.setOffline(true);
    await page.keyboard.press("1");
    await page.getByTestId("label-waiting").waitFor();
    expect(await page.getByTestId("label-waiting").textContent()).toContain("1 waiting");
    expect(statuses).toEqual([]);

    // The app shell comes from the service worker; the waiting answer from IndexedDB.
    await page.reload();
    await page.getByTestId("label-waiting").waitFor();
    expect(statuses).toEqual([]);

    await stack.browser.context.setOffline(false);
    await page.getByTestId("label-waiting").waitFor({ state: "detached", timeout: 30_000 });
    expect(statuses).toEqual([201]);

    // The API holds that answer: answering the same task again is refused as already answered.
    const stored = JSON.parse(
      (await page.evaluate(() => localStorage.getItem("commonspace.contributor"))) ?? "{}",
    ) as {
      token?: string;
    };
    const again = await fetch(`${stack.api.url}/v1/tasks/${taskId}/answer`, {
      method: "POST",
      headers: { authorization: `Bearer ${stored.token}`, "content-type": "application/json" },
      body: bodies[0],
    });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe("task_already_answered");
    expect(errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to fetch|net::/.test(e))).toEqual([]);
  });
});
