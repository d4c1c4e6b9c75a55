import "fake-indexeddb/auto";
import { describe, expect, it, vi } from "vitest";
import { WriteQueue, type WriteRequest } from "./write-queue";

const API = "http://api.test";
const ANSWER: WriteRequest = {
  path: "/v1/tasks/1/answer",
  method: "POST",
  body: { kind: "json", value: { token: "t", choice: "c" } },
  label: "answer",
  alreadyDoneCodes: ["task_already_answered"],
  contributor: true,
};

interface Call {
  url: string;
  key: string | null;
  authorization: string | null;
  body: string;
}

/** A fetch that answers from `script` in turn (an Error means no answer), recording each call. */
function scriptedFetch(script: (Response | Error)[]) {
  const calls: Call[] = [];
  const impl = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const headers = new Headers(init?.headers);
    calls.push({
      url: String(input),
      key: headers.get("idempotency-key"),
      authorization: headers.get("authorization"),
      body: typeof init?.body === "string" ? init.body : init?.body ? "[form]" : "",
    });
    const next = script.shift() ?? new Error("network down");
    if (next instanceof Error) throw new TypeError(next.message);
    return next;
  };
  return { calls, fetch: impl as typeof fetch };
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

let databases = 0;
function queueWith(fetchImpl: typeof fetch): WriteQueue {
  databases += 1;
  return new WriteQueue({
    api: API,
    database: `test-${databases}`,
    fetch: fetchImpl,
    authorization: async () => "Bearer cst_token",
  });
}

describe("WriteQueue", () => {
  it("sends a write at once with its idempotency key and the contributor's token, then forgets it", async () => {
    const net = scriptedFetch([json(201, { ok: true })]);
    const queue = queueWith(net.fetch);
    const { write, outcome } = await queue.submit(ANSWER);
    expect(outcome).toEqual({ status: "sent", response: { ok: true } });
    expect(net.calls).toEqual([
      {
        url: `${API}/v1/tasks/1/answer`,
        key: write.id,
        authorization: "Bearer cst_token",
        body: '{"token":"t","choice":"c"}',
      },
    ]);
    expect(await queue.list()).toEqual([]);
  });

  it("keeps a write made offline and sends it exactly once, with the same key, when the network returns", async () => {
    const net = scriptedFetch([new Error("offline"), json(201, {})]);
    const queue = queueWith(net.fetch);
    const { write, outcome } = await queue.submit(ANSWER);
    expect(outcome.status).toBe("waiting");
    expect((await queue.list()).map((w) => [w.id, w.attempts, w.state])).toEqual([[write.id, 1, "waiting"]]);
    await Promise.all([queue.flush(), queue.flush()]);
    await queue.flush();
    expect(net.calls.map((c) => c.key)).toEqual([write.id, write.id]);
    expect(await queue.list()).toEqual([]);
  });

  it("counts an 'already done' answer as sent (the first attempt went through but its answer was lost)", async () => {
    const net = scriptedFetch([json(409, { error: { code: "task_already_answered", message: "done" } })]);
    const { outcome } = await queueWith(net.fetch).submit(ANSWER);
    expect(outcome.status).toBe("sent");
  });

  it("keeps a refused write with the API's message and never sends it again; discard removes it", async () => {
    const net = scriptedFetch([json(422, { error: { code: "invalid_choice", message: "choice must be…" } })]);
    const queue = queueWith(net.fetch);
    const { write, outcome } = await queue.submit(ANSWER);
    expect(outcome).toEqual({ status: "refused", error: "choice must be…", code: "invalid_choice" });
    await queue.flush();
    expect(net.calls).toHaveLength(1);
    expect((await queue.list()).map((w) => [w.state, w.lastError])).toEqual([["refused", "choice must be…"]]);
    await queue.discard(write.id);
    expect(await queue.list()).toEqual([]);
  });

  it("treats 429 and 5xx as 'try later' and sends the oldest write first, stopping at the first still waiting", async () => {
    const net = scriptedFetch([json(503, {}), json(429, {}), json(503, {}), json(201, {}), json(201, {})]);
    const queue = queueWith(net.fetch);
    const first = (await queue.submit({ ...ANSWER, label: "first" })).write;
    const second = (await queue.submit({ ...ANSWER, label: "second" })).write;
    await queue.flush(); // first: 503 → stops before second
    expect(net.calls.map((c) => c.key)).toEqual([first.id, second.id, first.id]);
    await queue.flush();
    expect(net.calls.map((c) => c.key)).toEqual([first.id, second.id, first.id, first.id, second.id]);
    expect(await queue.list()).toEqual([]);
  });

  it("lists writes made in the same millisecond in the order they were made", async () => {
    const net = scriptedFetch(Array.from({ length: 6 }, () => new Error("offline")));
    const queue = queueWith(net.fetch);
    const now = vi.spyOn(Date, "now").mockReturnValue(1_700_000_000_000);
    try {
      const made = [];
      for (const label of ["a", "b", "c", "d", "e", "f"])
        made.push((await queue.submit({ ...ANSWER, label })).write.id);
      expect((await queue.list()).map((w) => w.id)).toEqual(made);
    } finally {
      now.mockRestore();
    }
  });

  it("stores multipart bodies with their files and sends them as a form", async () => {
    const net = scriptedFetch([new Error("offline"), json(201, {})]);
    const queue = queueWith(net.fetch);
    const image = new Blob([new Uint8Array([137, 80, 78, 71])], { type: "image/png" });
    await queue.submit({
      path: "/v1/contributions",
      method: "POST",
      label: "contribution",
      body: {
        kind: "form",
        fields: [
          { name: "caption", value: "red apple" },
          { name: "image", value: image, filename: "a.png" },
        ],
      },
    });
    const [stored] = await queue.list();
    expect(stored?.body?.kind).toBe("form");
    await queue.flush();
    expect(net.calls.map((c) => c.body)).toEqual(["[form]", "[form]"]);
  });
});
