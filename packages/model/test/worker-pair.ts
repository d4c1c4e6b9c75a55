// The model worker in-process, for tests: a ModelWorkerHandler on one end of MessageChannels and ModelClients
// on the other, so the real protocol (structured clone, transfer lists, events) runs without a Worker. Every
// message the worker side posts is recorded with its transfer list.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { ModelClient } from "../src/worker/model-client";
import { ModelWorkerHandler } from "../src/worker/handler";
import type { ModelHostOptions } from "../src/worker/model-host";
import type { MessageEndpoint, WorkerSettings } from "../src/worker/protocol";

/** A message the worker side posted. */
export interface Posted {
  readonly message: { kind: string; id?: string; value?: unknown; progress?: unknown };
  readonly transfer: readonly Transferable[];
}

/** A handler and the clients connected to it. */
export interface WorkerPair {
  readonly handler: ModelWorkerHandler;
  /** Everything the worker side posted, in order. */
  readonly posted: Posted[];
  /** A new client on its own channel to the same handler. */
  client(settings?: WorkerSettings): ModelClient;
  close(): void;
}

/** Starts a handler with `options`; see the file header. */
export function createWorkerPair(options: ModelHostOptions = {}): WorkerPair {
  const handler = new ModelWorkerHandler(options);
  const posted: Posted[] = [];
  const ports: MessagePort[] = [];
  return {
    handler,
    posted,
    client(settings = {}) {
      const { port1, port2 } = new MessageChannel();
      ports.push(port1, port2);
      const post = port1.postMessage.bind(port1) as (message: unknown, transfer: Transferable[]) => void;
      const workerSide: MessageEndpoint = {
        postMessage(message, transfer) {
          post(message, transfer);
          posted.push({ message: message as Posted["message"], transfer });
        },
        addEventListener: (type, listener) => port1.addEventListener(type, listener),
        removeEventListener: (type, listener) => port1.removeEventListener(type, listener),
        start: () => port1.start(),
      };
      handler.connect(workerSide);
      return new ModelClient(port2 as unknown as MessageEndpoint, settings);
    },
    close() {
      handler.close();
      for (const port of ports) port.close();
    },
  };
}

/** A fetch that serves the files of `dir` under `base` (a bundle's static files), 404 for anything else. */
export function staticFetch(dir: string, base: string): typeof fetch {
  return async (input) => {
    const url = String(input);
    if (!url.startsWith(base)) return new Response("not found", { status: 404 });
    try {
      return new Response(new Uint8Array(await readFile(join(dir, url.slice(base.length)))));
    } catch {
      return new Response("not found", { status: 404 });
    }
  };
}
