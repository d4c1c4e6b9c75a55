import { describe, expect, test } from "vitest";
import { CancelledError } from "../errors";
import { SharedTask } from "./shared-task";

function deferred(): { promise: Promise<string>; resolve: (v: string) => void } {
  let resolve!: (v: string) => void;
  return { promise: new Promise((r) => (resolve = r)), resolve };
}

describe("SharedTask", () => {
  test("runs once for every joiner and gives each the progress and the result", async () => {
    let runs = 0;
    let report!: (p: number) => void;
    const done = deferred();
    const task = new SharedTask<string, number>("k", "load", (_, onProgress) => {
      runs++;
      report = onProgress;
      return done.promise;
    });
    const a: number[] = [];
    const b: number[] = [];
    const results = Promise.all([
      task.join(undefined, (p) => a.push(p)),
      task.join(undefined, (p) => b.push(p)),
    ]);
    report(1);
    report(2);
    done.resolve("model");
    expect(await results).toEqual(["model", "model"]);
    expect([a, b, runs]).toEqual([[1, 2], [1, 2], 1]);
  });

  test("cancels the work only when the last joiner cancels", async () => {
    let signal!: AbortSignal;
    const done = deferred();
    const task = new SharedTask<string, number>("k", "load", (s) => ((signal = s), done.promise));
    const [first, second] = [new AbortController(), new AbortController()];
    const a = task.join(first.signal, () => undefined);
    const b = task.join(second.signal, () => undefined);
    first.abort();
    await expect(a).rejects.toBeInstanceOf(CancelledError);
    expect(signal.aborted).toBe(false);
    second.abort();
    await expect(b).rejects.toBeInstanceOf(CancelledError);
    expect(signal.aborted).toBe(true);
  });
});
