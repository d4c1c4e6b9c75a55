import { describe, expect, it } from "vitest";
import { ApiUnreachableError, WidgetApiError } from "./errors";
import { LabelApi, tokenKey, type TokenStore } from "./label-api";

const API = "https://api.example.org";

function memoryStore(): TokenStore & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    getItem: (key) => map.get(key) ?? null,
    setItem: (key, value) => void map.set(key, value),
    removeItem: (key) => void map.delete(key),
  };
}

/** A fake API: answers by "METHOD path", recording each request's Authorization header. */
function fakeApi(routes: Record<string, (auth: string | null) => Response>) {
  const calls: string[] = [];
  const fetcher = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input));
    const key = `${init?.method ?? "GET"} ${url.pathname}`;
    const auth = new Headers(init?.headers).get("authorization");
    calls.push(`${key} ${auth ?? "-"}`);
    const route = routes[key];
    return route
      ? route(auth)
      : Response.json({ error: { code: "not_found", message: "No route." } }, { status: 404 });
  }) as typeof fetch;
  return { fetcher, calls };
}

const TASK = {
  task: {
    id: "t1",
    kind: "caption-for-image",
    prompt: { image: { sha256: "a", url: "/v1/images/a" } },
    candidates: [{ id: "17", caption: { id: "17", text: "red square" } }],
  },
  token: "signed",
};

describe("LabelApi", () => {
  it("creates the contributor once, keeps its token in the store, and sends it with tasks and answers", async () => {
    let created = 0;
    const { fetcher, calls } = fakeApi({
      "POST /v1/contributors": () => (created++, Response.json({ id: "c", token: "cst_1" }, { status: 201 })),
      "GET /v1/tasks/next": () => Response.json(TASK),
      "POST /v1/tasks/t1/answer": () =>
        Response.json({ task_id: "t1", choice: "17", judgments: 4 }, { status: 201 }),
    });
    const store = memoryStore();
    const api = new LabelApi(API, store, fetcher);
    expect(api.hasToken()).toBe(false);
    const [task] = await Promise.all([api.nextTask("caption-for-image"), api.token()]);
    expect(task).toMatchObject({ id: "t1", token: "signed" });
    expect(await api.answer(task, "17")).toEqual({ taskId: "t1", choice: "17", judgments: 4 });
    expect(created).toBe(1);
    expect(store.map.get(tokenKey(API))).toBe("cst_1");
    expect(calls.filter((c) => !c.startsWith("POST /v1/contributors"))).toEqual([
      "GET /v1/tasks/next Bearer cst_1",
      "POST /v1/tasks/t1/answer Bearer cst_1",
    ]);
    expect(new LabelApi(API, store, fetcher).hasToken()).toBe(true);
  });

  it("replaces a token the API no longer knows, once", async () => {
    const store = memoryStore();
    store.setItem(tokenKey(API), "cst_old");
    const { fetcher } = fakeApi({
      "POST /v1/contributors": () => Response.json({ id: "c", token: "cst_new" }, { status: 201 }),
      "GET /v1/tasks/next": (auth) =>
        auth === "Bearer cst_new"
          ? Response.json(TASK)
          : Response.json({ error: { code: "unauthorized", message: "Unknown token." } }, { status: 401 }),
    });
    await expect(new LabelApi(API, store, fetcher).nextTask("caption-for-image")).resolves.toMatchObject({
      id: "t1",
    });
    expect(store.map.get(tokenKey(API))).toBe("cst_new");
  });

  it("turns the API's error body into a WidgetApiError with its code", async () => {
    const { fetcher } = fakeApi({
      "POST /v1/contributors": () => Response.json({ token: "cst_1" }, { status: 201 }),
      "GET /v1/tasks/next": () =>
        Response.json({ error: { code: "no_task_available", message: "Not enough data." } }, { status: 404 }),
    });
    const error = await new LabelApi(API, memoryStore(), fetcher)
      .nextTask("image-for-caption")
      .catch((e) => e);
    expect(error).toBeInstanceOf(WidgetApiError);
    expect(error).toMatchObject({
      status: 404,
      code: "no_task_available",
      message: "Not enough data. (no_task_available)",
    });
  });

  it("says the API cannot be reached when fetch itself fails", async () => {
    const fetcher = (async () => {
      throw new TypeError("Failed to fetch");
    }) as typeof fetch;
    const error = await new LabelApi(API, undefined, fetcher).token().catch((e) => e);
    expect(error).toBeInstanceOf(ApiUnreachableError);
    expect(error.message).toContain(`Cannot reach the Commonspace API at ${API} (Failed to fetch)`);
  });
});
