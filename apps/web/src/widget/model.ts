// The model for every widget on the page: one client, so one worker and one download however many
// `<commonspace-generate>` elements there are (the worker shares a load between requests for the same source),
// and one generation at a time, in the order they were asked for, so widgets never compete for one session.
import { getModelClient, type ModelClient } from "@commonspace/model/client";
import { createWidgetWorker } from "./worker";

/**
 * The page's model client. One wasm thread: more need cross-origin isolation, which few host pages have, and
 * ORT's thread workers would have to be started from the host's origin too.
 */
export function widgetModelClient(): ModelClient {
  return getModelClient({ worker: createWidgetWorker, threads: 1 });
}

let tail: Promise<unknown> = Promise.resolve();

/** Runs `task` after every task queued before it (a failure does not block the queue). */
export function exclusive<T>(task: () => Promise<T>): Promise<T> {
  const run = tail.then(task, task);
  tail = run.catch(() => undefined);
  return run;
}
