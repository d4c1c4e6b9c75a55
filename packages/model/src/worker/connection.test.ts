import { afterEach, describe, expect, test } from "vitest";
import { TINY_BUNDLE_DIR } from "../../test/bundle-under-test";
import { staticFetch } from "../../test/worker-pair";
import { CancelledError } from "../errors";
import { ModelWorkerHandler } from "./handler";
import { ModelClient } from "./model-client";
import type { MessageEndpoint } from "./protocol";
import { WorkerError } from "./worker-error";

const BASE = "http://static.test/tiny/";
const cleanup: (() => void)[] = [];
afterEach(() => cleanup.splice(0).forEach((f) => f()));

/** A stand-in for `new Worker(...)`: a fresh handler behind a MessageChannel, with `error` events and terminate. */
function fakeWorker(): MessageEndpoint & { crash(message: string): void; terminated: boolean } {
  const handler = new ModelWorkerHandler({ fetch: staticFetch(TINY_BUNDLE_DIR, BASE) });
  const { port1, port2 } = new MessageChannel();
  handler.connect(port1 as unknown as MessageEndpoint);
  const errors = new EventTarget();
  const worker = {
    terminated: false,
    postMessage: (message: unknown, transfer: Transferable[]) =>
      port2.postMessage(message, transfer as never),
    addEventListener: (type: string, listener: EventListener) =>
      type === "message"
        ? port2.addEventListener("message", listener)
        : errors.addEventListener(type, listener),
    removeEventListener: (type: string, listener: EventListener) =>
      type === "message"
        ? port2.removeEventListener("message", listener)
        : errors.removeEventListener(type, listener),
    start: () => port2.start(),
    terminate: () => {
      worker.terminated = true;
      handler.close();
      port1.close();
      port2.close();
    },
    crash: (message: string) => errors.dispatchEvent(Object.assign(new Event("error"), { message })),
  };
  cleanup.push(() => worker.terminate());
  return worker as unknown as MessageEndpoint & { crash(message: string): void; terminated: boolean };
}

describe("a crashed worker", () => {
  test("rejects what waits with a WorkerError, and the next call starts a new worker with the model loaded", async () => {
    const workers: ReturnType<typeof fakeWorker>[] = [];
    const client = new ModelClient(() => {
      workers.push(fakeWorker());
      return workers.at(-1)!;
    });
    const crashes: WorkerError[] = [];
    client.on("crash", (e) => crashes.push(e));
    await client.load({ url: BASE });
    const waiting = client.generate("red", {
      count: 4,
      seed: 1,
      onProgress: (p) => p.step === 3 && workers[0]!.crash("boom"),
    });
    const error = await waiting.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerError);
    expect(error).toMatchObject({ restarts: true, detail: "crashed: boom" });
    expect(crashes).toHaveLength(1);
    expect(workers[0]!.terminated).toBe(true);
    const after = await client.generate("red", { count: 1, seed: 1 });
    expect(after.candidates).toHaveLength(1);
    expect(workers).toHaveLength(2);
  });

  test("a worker that cannot start leaves only the rejected request, no unhandled rejection", async () => {
    const unhandled: unknown[] = [];
    const record = (reason: unknown): void => void unhandled.push(reason);
    process.on("unhandledRejection", record);
    cleanup.push(() => process.off("unhandledRejection", record));
    const started: ReturnType<typeof fakeWorker>[] = [];
    const client = new ModelClient(
      () => {
        const worker = fakeWorker();
        started.push(worker);
        queueMicrotask(() => worker.crash("refused by the page's CSP")); // before `configure` is answered
        return worker;
      },
      { threads: 1 },
    );
    await expect(client.load({ url: BASE })).rejects.toBeInstanceOf(WorkerError);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(started.length).toBeGreaterThanOrEqual(2); // the request tried a fresh worker once
    expect(unhandled).toEqual([]);
  });

  test("ends a client on a fixed endpoint: the next call says to create a new client", async () => {
    const worker = fakeWorker();
    const client = new ModelClient(worker);
    await client.load({ url: BASE });
    const waiting = client.embedText(["a"]);
    worker.crash("out of memory");
    await expect(waiting).rejects.toMatchObject({ name: "WorkerError", restarts: false });
    await expect(client.embedText(["a"])).rejects.toThrow(/Create a new client \(createModelClient\)/);
  });

  test("terminate rejects what waits, and an aborted signal rejects before anything is sent", async () => {
    const client = new ModelClient(fakeWorker());
    const controller = new AbortController();
    controller.abort();
    await expect(client.generate("x", { signal: controller.signal })).rejects.toBeInstanceOf(CancelledError);
    const waiting = client.load({ url: BASE });
    client.terminate();
    await expect(waiting).rejects.toMatchObject({ name: "WorkerError", detail: "was terminated" });
  });
});
