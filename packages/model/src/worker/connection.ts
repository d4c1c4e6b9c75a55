// The client side of the protocol's plumbing: request ids, the promises waiting for answers, progress routed
// to the request it belongs to, an AbortSignal turned into a `cancel` message, events handed up, and crashes.
// When the worker dies (an `error` event), every waiting request rejects with a WorkerError; if the
// connection made the worker itself, the next request starts a new one and first restores the client's
// state (settings, the loaded model) through `onRestart`.
import { CancelledError } from "../errors";
import {
  isProtocolMessage,
  PROTOCOL,
  type MessageEndpoint,
  type OperationArgs,
  type OperationName,
  type OperationResult,
  type WorkerMessage,
} from "./protocol";
import { fromWireError } from "./wire-error";
import { WorkerError } from "./worker-error";

/** Per-request options. */
export interface RequestOptions {
  signal?: AbortSignal;
  onProgress?: (progress: never) => void;
  /** Buffers to transfer with the request (only ones the caller gave up). */
  transfer?: ArrayBuffer[];
}

/** Options of {@link Connection}. */
export interface ConnectionOptions {
  /** The endpoint, or a factory for it (called lazily, and again after a crash). */
  readonly endpoint: MessageEndpoint | (() => MessageEndpoint);
  /** Worker events (raw, as they crossed). */
  readonly onEvent: (event: string, data: unknown) => void;
  /** Called with the crash before pending requests reject. */
  readonly onCrash?: (error: WorkerError) => void;
  /** Restores state in a fresh worker (its requests pass `internal`); runs before any other request. */
  readonly onStart?: (restart: boolean) => Promise<void>;
}

interface Pending {
  readonly op: string;
  resolve(value: unknown): void;
  reject(error: unknown): void;
  onProgress: ((progress: never) => void) | undefined;
}

/** One client's link to a model worker; see the file header. */
export class Connection {
  private endpoint: MessageEndpoint | undefined;
  private starting: Promise<void> | undefined;
  private started = false;
  private closed: WorkerError | undefined;
  private readonly pending = new Map<string, Pending>();
  private readonly prefix = Math.random().toString(36).slice(2, 10);
  private nextId = 0;
  private readonly listener = (event: MessageEvent): void => this.receive(event.data);
  private readonly crashListener = (event: Event): void => this.crash(event);

  constructor(private readonly options: ConnectionOptions) {}

  /** Sends `op` and waits for its answer. `internal` skips waiting for the start-up requests (they are them). */
  async request<O extends OperationName>(
    op: O,
    args: OperationArgs<O>,
    options: RequestOptions = {},
    internal = false,
  ): Promise<OperationResult<O>> {
    let endpoint = this.open();
    if (!internal && this.starting) {
      await this.starting.catch(() => undefined);
      endpoint = this.open(); // a worker that crashed while starting was replaced
    }
    if (options.signal?.aborted) throw new CancelledError(op);
    const id = `${this.prefix}-${this.nextId++}`;
    return new Promise<OperationResult<O>>((resolve, reject) => {
      const abort = (): void => endpoint.postMessage({ protocol: PROTOCOL, kind: "cancel", id }, []);
      const done = (): void => options.signal?.removeEventListener("abort", abort);
      this.pending.set(id, {
        op,
        resolve: (value) => (done(), resolve(value as OperationResult<O>)),
        reject: (error) => (done(), reject(error)),
        onProgress: options.onProgress,
      });
      options.signal?.addEventListener("abort", abort, { once: true });
      endpoint.postMessage({ protocol: PROTOCOL, kind: "request", id, op, args }, options.transfer ?? []);
    });
  }

  /** Ends the worker (when it has `terminate`) and rejects what waits; later requests reject too. */
  terminate(): void {
    this.closed = new WorkerError("was terminated", false);
    this.drop(this.closed);
  }

  /** Connects now (starting the worker) rather than on the first request, e.g. to hear its events. */
  open(): MessageEndpoint {
    if (this.closed) throw this.closed;
    if (this.endpoint) return this.endpoint;
    const { endpoint } = this.options;
    const created = typeof endpoint === "function" ? endpoint() : endpoint;
    created.addEventListener("message", this.listener);
    (created as Partial<Worker>).addEventListener?.("error", this.crashListener);
    created.start?.();
    this.endpoint = created;
    this.starting = this.options.onStart?.(this.started);
    // Requests that wait for the start see its failure; a start nobody waits for (a worker replaced while the
    // first one was starting, which then fails too) must not become an unhandled rejection on the page.
    this.starting?.catch(() => undefined);
    this.started = true;
    return created;
  }

  private receive(data: unknown): void {
    if (!isProtocolMessage(data)) return;
    const message = data as WorkerMessage;
    if (message.kind === "event") return this.options.onEvent(message.event, message.data);
    const pending = this.pending.get(message.id);
    if (!pending) return; // another client's request on the same worker
    if (message.kind === "progress") return pending.onProgress?.(message.progress as never);
    this.pending.delete(message.id);
    if (message.kind === "result") pending.resolve(message.value);
    else pending.reject(fromWireError(message.error));
  }

  private crash(event: Event): void {
    const detail = (event as ErrorEvent).message || "failed to start or crashed (no message)";
    event.preventDefault?.();
    const restarts = typeof this.options.endpoint === "function";
    const error = new WorkerError(`crashed: ${detail}`, restarts);
    this.options.onCrash?.(error);
    this.drop(error);
    if (!restarts) this.closed = error;
  }

  private drop(error: WorkerError): void {
    const endpoint = this.endpoint;
    this.endpoint = undefined;
    this.starting = undefined;
    if (endpoint) {
      endpoint.removeEventListener("message", this.listener);
      (endpoint as Partial<Worker>).removeEventListener?.("error", this.crashListener);
      (endpoint as Partial<Worker>).terminate?.();
    }
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const pending of waiting) pending.reject(error);
  }
}
