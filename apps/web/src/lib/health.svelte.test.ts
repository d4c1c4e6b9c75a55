import { createApiClient } from "@commonspace/api/client";
import { describe, expect, it } from "vitest";
import { ApiHealth } from "./health.svelte";

const BASE = "http://api.test";

/**
 * A client whose fetch answers with `answer`, throws it, or (for `"silence"`) never answers until the request's
 * signal aborts, as a real fetch does. Records the URLs asked for.
 */
function clientAnswering(answer: Response | Error | "silence") {
  const asked: string[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    asked.push(input instanceof Request ? input.url : String(input));
    if (answer instanceof Error) throw answer;
    if (answer === "silence") {
      return new Promise<Response>((_, reject) => {
        const signal = init?.signal;
        if (!signal) throw new Error("expected the health check to pass an AbortSignal");
        signal.addEventListener("abort", () => reject(signal.reason), { once: true });
      });
    }
    return answer;
  };
  return { client: createApiClient(BASE, { fetch }), asked };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

describe("ApiHealth", () => {
  it("starts in the checking state before the first answer", () => {
    const { client } = clientAnswering(json({ status: "ok", database: "commonspace", environment: "test" }));
    expect(new ApiHealth(client).view).toEqual({ kind: "checking" });
  });

  it("asks GET /v1/health and shows the database when the API answers ok", async () => {
    const { client, asked } = clientAnswering(
      json({ status: "ok", database: "commonspace", environment: "development" }),
    );
    const health = new ApiHealth(client);
    await health.check();
    expect(asked).toEqual([`${BASE}/v1/health`]);
    expect(health.view).toEqual({ kind: "ok", database: "commonspace", environment: "development" });
  });

  it("keeps the API's error code and message when it answers 503", async () => {
    const { client } = clientAnswering(
      json({ error: { code: "database_not_migrated", message: "Apply the migrations." } }, 503),
    );
    const health = new ApiHealth(client);
    await health.check();
    expect(health.view).toEqual({
      kind: "failing",
      httpStatus: 503,
      code: "database_not_migrated",
      message: "Apply the migrations.",
    });
  });

  it("reports an error answer that is not JSON by its HTTP status", async () => {
    const { client } = clientAnswering(new Response("<h1>Bad gateway</h1>", { status: 502 }));
    const health = new ApiHealth(client);
    await health.check();
    expect(health.view).toMatchObject({ kind: "failing", httpStatus: 502, code: "http_502" });
  });

  it("reports a 200 whose body is not a health answer as unexpected", async () => {
    const { client } = clientAnswering(new Response("<!doctype html><p>a static site</p>", { status: 200 }));
    const health = new ApiHealth(client);
    await health.check();
    expect(health.view).toMatchObject({ kind: "failing", httpStatus: 200, code: "unexpected_answer" });
  });

  it("reports the API as unreachable with the network error when fetch rejects", async () => {
    const { client } = clientAnswering(new TypeError("Failed to fetch"));
    const health = new ApiHealth(client);
    const view = await health.check();
    expect(view).toEqual({ kind: "unreachable", reason: "Failed to fetch" });
    expect(health.view).toEqual(view);
  });

  it("gives up and reports unreachable when the API does not answer in time", async () => {
    const { client } = clientAnswering("silence");
    const health = new ApiHealth(client, { timeoutMs: 20 });
    await expect(health.check()).resolves.toEqual({ kind: "unreachable", reason: "no answer in time" });
  });

  it("keeps the newest check's answer when an older check answers later", async () => {
    let releaseFirst: (res: Response) => void = () => {};
    const answers = [
      new Promise<Response>((resolve) => (releaseFirst = resolve)),
      Promise.resolve(json({ error: { code: "database_not_migrated", message: "Apply them." } }, 503)),
    ];
    const client = createApiClient(BASE, {
      fetch: () => answers.shift() ?? Promise.reject(new Error("extra call")),
    });
    const health = new ApiHealth(client);
    const first = health.check();
    await health.check();
    releaseFirst(json({ status: "ok", database: "commonspace", environment: "development" }));
    await first;
    expect(health.view).toMatchObject({ kind: "failing", code: "database_not_migrated" });
  });
});
