// Getting a ModelClient: `getModelClient()` gives the page's one shared client (one worker, one download,
// however many pages and widgets use the model); `createModelClient()` makes a separate one, on a Worker or
// any MessagePort-like endpoint you pass (tests, a worker you constructed yourself). The default worker is
// created with the `new Worker(new URL(..., import.meta.url), { type: "module" })` pattern that Vite (and
// webpack 5, Parcel) recognise and bundle as a separate module worker chunk.
import { ModelClient } from "./model-client";
import type { MessageEndpoint, WorkerSettings } from "./protocol";

/** Options of {@link createModelClient} and {@link getModelClient}: the worker's settings, and which worker. */
export interface ModelClientOptions extends WorkerSettings {
  /**
   * The worker to talk to: a Worker, a MessagePort-like endpoint, or a factory of them. Default: a new model
   * worker ({@link createModelWorker}). With a factory (or the default) a crashed worker is replaced on the
   * next call; with a fixed endpoint a crash ends the client.
   */
  worker?: MessageEndpoint | (() => MessageEndpoint);
}

/** Starts a model worker (the package's src/worker/model-worker.ts as a module worker). */
export function createModelWorker(): Worker {
  return new Worker(new URL("./model-worker.ts", import.meta.url), {
    type: "module",
    name: "commonspace-model",
  });
}

/** A new client with its own worker (or the endpoint given). */
export function createModelClient(options: ModelClientOptions = {}): ModelClient {
  const { worker = createModelWorker, ...settings } = options;
  return new ModelClient(worker, settings);
}

let shared: ModelClient | undefined;

/**
 * The page's shared client (created on the first call; its worker starts on the first request). Options
 * count on the first call only: every consumer shares the one worker and its settings.
 */
export function getModelClient(options: ModelClientOptions = {}): ModelClient {
  shared ??= createModelClient(options);
  return shared;
}
