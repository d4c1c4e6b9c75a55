// The worker side of the protocol (like web-llm's WebWorkerMLCEngineHandler): it listens on one or more
// MessagePort-like endpoints (the worker's `self`, or MessageChannel ports in tests), runs each request on the
// ModelHost with an AbortController that a `cancel` message aborts, answers with the result (transferring
// the buffers it made) or a WireError, sends progress on the way, and broadcasts the host's events to every
// endpoint.
import { env } from "../env";
import { ModelOptionError, type ModelError } from "../errors";
import { ModelHost, type ModelHostOptions } from "./model-host";
import {
  isProtocolMessage,
  PROTOCOL,
  type ClientMessage,
  type LoadedModel,
  type MessageEndpoint,
  type OperationName,
  type WorkerEvents,
  type WorkerMessage,
} from "./protocol";
import { postWithTransfer, transferablesOf } from "./transfer";
import { toWireError } from "./wire-error";

/** Results whose buffers the worker made for the caller and gives away (transferred, not copied). */
const TRANSFERRED_RESULTS = new Set<OperationName>([
  "generate",
  "embedText",
  "embedImage",
  "encodeImages",
  "decodeCodes",
  "openDatasetIndex",
]);
/** Results that carry a LoadedModel (its `error` crosses as a WireError). */
const LOADED_RESULTS = new Set<OperationName>(["load", "install", "rollback"]);
const EVENTS: readonly (keyof WorkerEvents)[] = ["backend", "warning", "update", "model"];

/** Serves the model protocol on endpoints; see the file header. */
export class ModelWorkerHandler {
  readonly host: ModelHost;
  private readonly endpoints = new Set<MessageEndpoint>();
  private readonly running = new Map<string, AbortController>();

  constructor(options: ModelHostOptions = {}) {
    // Let a cancel message in between steps: ORT's wasm runs never yield (see env.yieldBetweenRuns).
    env.yieldBetweenRuns = true;
    this.host = new ModelHost(options);
    for (const event of EVENTS) this.host.on(event, (data) => this.broadcast(event, data));
  }

  /** Serves `endpoint` until the returned function is called. */
  connect(endpoint: MessageEndpoint): () => void {
    const listener = (event: MessageEvent): void => this.receive(endpoint, event.data);
    endpoint.addEventListener("message", listener);
    endpoint.start?.();
    this.endpoints.add(endpoint);
    return () => {
      endpoint.removeEventListener("message", listener);
      this.endpoints.delete(endpoint);
    };
  }

  /** Stops serving every endpoint and cancels what runs (tests). */
  close(): void {
    for (const controller of this.running.values()) controller.abort();
    this.endpoints.clear();
    this.host.close();
  }

  private receive(endpoint: MessageEndpoint, data: unknown): void {
    if (!isProtocolMessage(data)) return;
    const message = data as ClientMessage;
    if (message.kind === "cancel") this.running.get(message.id)?.abort();
    else if (message.kind === "request") void this.run(endpoint, message);
  }

  private async run(endpoint: MessageEndpoint, request: Extract<ClientMessage, { kind: "request" }>) {
    const { id, op } = request;
    const controller = new AbortController();
    this.running.set(id, controller);
    const post = (message: WorkerMessage, transfer: ArrayBuffer[] = []): void =>
      postWithTransfer((m, t) => endpoint.postMessage(m, t), message, transfer);
    const progress = (value: unknown): void => {
      const partial = (value as { partial?: unknown }).partial;
      const message = { protocol: PROTOCOL, kind: "progress", id, progress: value } as WorkerMessage;
      post(message, partial ? transferablesOf(partial) : []);
    };
    try {
      const implementation = this.host.operations[op] as unknown as
        ((context: unknown, ...args: unknown[]) => Promise<unknown>) | undefined;
      if (typeof implementation !== "function") {
        const known = Object.keys(this.host.operations).join(", ");
        throw new ModelOptionError("operation", op, `one of ${known}`);
      }
      const args = Array.isArray(request.args) ? (request.args as unknown[]) : [];
      const value = await implementation({ signal: controller.signal, progress }, ...args);
      const result = LOADED_RESULTS.has(op) ? wireLoaded(value as LoadedModel<ModelError>) : value;
      post(
        { protocol: PROTOCOL, kind: "result", id, value: result },
        TRANSFERRED_RESULTS.has(op) ? transferablesOf(value) : [],
      );
    } catch (error) {
      post({ protocol: PROTOCOL, kind: "error", id, error: toWireError(error) });
    } finally {
      this.running.delete(id);
    }
  }

  private broadcast<K extends keyof WorkerEvents>(event: K, data: WorkerEvents<ModelError>[K]): void {
    const wire =
      event === "warning"
        ? toWireError(data)
        : event === "model"
          ? wireLoaded(data as LoadedModel<ModelError>)
          : data;
    const message = { protocol: PROTOCOL, kind: "event", event, data: wire } as WorkerMessage;
    for (const endpoint of this.endpoints) endpoint.postMessage(message, []);
  }
}

function wireLoaded(loaded: LoadedModel<ModelError>): LoadedModel<ReturnType<typeof toWireError>> {
  return { ...loaded, error: loaded.error && toWireError(loaded.error) };
}
