// The typed message protocol between a page (ModelClient) and the model worker (ModelWorkerHandler), after
// web-llm's engine/worker split: every request carries an id; the worker answers it once with a result or an
// error, may send progress for it before that, and broadcasts events (backend, warning, update, model) to
// every client. Options and results are the in-thread Model's own types where they can be cloned; functions
// stay on the client (onProgress becomes progress messages, an AbortSignal a cancel message). Errors cross as
// WireError (wire-error.ts) and come back as the same named classes.
import type { BackendInfo } from "../backend";
import type { ModelCard } from "../bundle/card";
import type { GenerationMode } from "../bundle/card-maskgit";
import type { BundleProgress } from "../bundle/fetch-files";
import type { TrustedKey } from "../bundle/keys";
import type { BundleRole, Precision } from "@commonspace/manifest";
import type { CachedVersion, SignedBy, UpdateCheck, UpdateMode, UpdateStatus } from "../bundle/model-store";
import type { CaptionOptions } from "../caption";
import type { BackendPreference } from "../env";
import type { GenerateOptions, GenerateProgress, Generation } from "../generate";
import type { RgbaImage } from "../image";
import type { Neighbour } from "../embedding-index";
import type { DatasetIndex } from "../dataset-index/index-format";
import type { ExplainOptions, Explanation } from "../explain";
import type { WireError } from "./wire-error";

/** Tag on every message of this protocol, so a worker can share its port with other code. */
export const PROTOCOL = "commonspace-model/1";

/** Options with the parts that cannot cross a worker boundary (functions, signals) taken out. */
export type Serialisable<T> = Omit<T, "signal" | "onProgress">;

/** A channel of the API (ModelStoreOptions without functions or cache: the worker owns the cache). */
export interface WorkerStoreSource {
  readonly api: string;
  readonly channel?: string;
  readonly model?: string;
  readonly trustedKeys?: readonly TrustedKey[];
  readonly retries?: number;
  readonly backoffMs?: number;
  readonly roles?: readonly BundleRole[];
}

/** Where the worker loads a model from: an API channel, or a bundle's static files (card.json + files). */
export type WorkerModelSource = WorkerStoreSource | { readonly url: string };

/** Process-wide settings of the worker (its `env`); see ModelEnv. */
export interface WorkerSettings {
  readonly backend?: BackendPreference;
  /** wasm threads: a number forces it (the benchmark compares 1 and 2); fixed once the first session starts. */
  readonly threads?: number | "auto";
  /** Where ORT finds its .wasm files (a URL prefix ending in "/"), when the bundler does not put them beside it. */
  readonly wasmPaths?: string;
  readonly trustDevelopmentKey?: boolean;
}

/** Options of `load`. */
export interface WorkerLoadOptions extends WorkerSettings {
  /** Precisions to download, best first (default: the backend's, see precisionPreference). */
  readonly precisions?: readonly Precision[];
  /** API sources: `"auto"` (default) installs a newer version while loading; `"manual"` waits for `install()`. */
  readonly update?: UpdateMode;
}

/** Options of `install` and `rollback`. */
export interface WorkerInstallOptions {
  readonly precisions?: readonly Precision[];
}

/** The model the worker runs now. `E` is ModelError on the client, WireError on the wire. */
export interface LoadedModel<E = Error> {
  readonly card: ModelCard;
  /** The decoding modes it runs (`generate` / `caption` take `mode`), and the one used when none is given. */
  readonly modes: readonly GenerationMode[];
  readonly defaultMode: GenerationMode;
  /** The version (manifest version for API sources, card version for static bundles). */
  readonly version: string;
  /** Where it came from (bundle.source). */
  readonly source: string;
  /** API sources: what happened about updates; static bundles: `"static"`. */
  readonly status: UpdateStatus | "static";
  /** Why a previous version was kept, or why the API was not reachable. */
  readonly error: E | undefined;
  readonly channel: string | undefined;
  readonly signedBy: SignedBy | undefined;
}

/** Keys of an embedding index registered in the worker. */
export type IndexKey = string | number;

/** One vector of an index (any length-`dim` numbers; copied, never detached). */
export interface IndexEntry<K extends IndexKey = IndexKey> {
  readonly key: K;
  readonly vector: Float32Array | readonly number[];
}

/** A rank result without its item: the client puts its own item (by index) back. */
export interface RankedIndex {
  readonly index: number;
  readonly score: number;
  readonly probability: number;
}

/** The name under which openDatasetIndex registers the dataset's embeddings (keys: row numbers). */
export const DATASET_INDEX_NAME = "dataset";

/** What the page gets of the dataset index: index.json and the atlas PNG (the vectors stay in the worker). */
export interface OpenedDatasetIndex {
  readonly index: DatasetIndex;
  readonly atlas: Uint8Array | undefined;
}

/** Every operation: its arguments and its result as they cross the boundary. */
export interface Operations {
  configure: [[WorkerSettings], BackendInfo];
  load: [[WorkerModelSource, WorkerLoadOptions], LoadedModel<WireError>];
  backend: [[], BackendInfo];
  generate: [[string, Serialisable<GenerateOptions>], Generation];
  caption: [[RgbaImage, Serialisable<CaptionOptions>], string];
  embedText: [[readonly string[]], Float32Array[]];
  embedImage: [[readonly RgbaImage[]], Float32Array[]];
  rank: [[string | RgbaImage, readonly (string | RgbaImage)[]], RankedIndex[]];
  encodeImages: [[readonly RgbaImage[]], Int32Array[]];
  decodeCodes: [[readonly Int32Array[]], RgbaImage[]];
  createIndex: [[string, readonly IndexEntry[]], { size: number; dim: number }];
  /** Query: a caption or an image (embedded with CLIP in the worker), or a vector already in CLIP space. */
  search: [[string, string | RgbaImage | Float32Array, number], Neighbour<IndexKey>[]];
  addToIndex: [[string, readonly IndexEntry[]], { size: number; dim: number }];
  /** Neighbours of a key already in the index, by its stored vector ("more like this"). */
  similar: [[string, IndexKey, number], Neighbour<IndexKey>[]];
  /** Downloads the active version's dataset index; its embeddings become index `DATASET_INDEX_NAME`. */
  openDatasetIndex: [[], OpenedDatasetIndex];
  explain: [[RgbaImage, string, ExplainOptions], Explanation];
  checkForUpdate: [[], UpdateCheck];
  install: [[WorkerInstallOptions], LoadedModel<WireError>];
  rollback: [[WorkerInstallOptions], LoadedModel<WireError>];
  versions: [[], CachedVersion[]];
  clear: [[], void];
  activeVersion: [[], string | undefined];
}

export type OperationName = keyof Operations;
export type OperationArgs<O extends OperationName> = Operations[O][0];
export type OperationResult<O extends OperationName> = Operations[O][1];

/** Operations whose requests get progress messages, and what those carry. */
export interface ProgressOf {
  load: BundleProgress;
  install: BundleProgress;
  rollback: BundleProgress;
  generate: GenerateProgress;
}

/** Events the worker sends to every client. */
export interface WorkerEvents<E = Error> {
  /** The backend changed: a fallback to wasm, or the self-check's result. */
  backend: BackendInfo;
  /** Something optional failed and work went on (refused update, full disk, WebGPU fallback). */
  warning: E;
  /** The store made a new version active. */
  update: { readonly from: string | undefined; readonly to: string };
  /** The worker's active model changed (first load, install, rollback, another source). */
  model: LoadedModel<E>;
}

/** Page → worker. */
export type ClientMessage =
  | {
      [O in OperationName]: {
        readonly protocol: typeof PROTOCOL;
        readonly kind: "request";
        readonly id: string;
        readonly op: O;
        readonly args: OperationArgs<O>;
      };
    }[OperationName]
  | { readonly protocol: typeof PROTOCOL; readonly kind: "cancel"; readonly id: string };

/** Worker → page. */
export type WorkerMessage =
  | {
      readonly protocol: typeof PROTOCOL;
      readonly kind: "result";
      readonly id: string;
      readonly value: unknown;
    }
  | {
      readonly protocol: typeof PROTOCOL;
      readonly kind: "error";
      readonly id: string;
      readonly error: WireError;
    }
  | {
      readonly protocol: typeof PROTOCOL;
      readonly kind: "progress";
      readonly id: string;
      readonly progress: ProgressOf[keyof ProgressOf];
    }
  | {
      [K in keyof WorkerEvents]: {
        readonly protocol: typeof PROTOCOL;
        readonly kind: "event";
        readonly event: K;
        readonly data: WorkerEvents<WireError>[K];
      };
    }[keyof WorkerEvents];

/**
 * What both ends talk through: a Worker, the worker's `self`, or a MessagePort (tests use a MessageChannel).
 * `postMessage`'s second argument is the transfer list.
 */
export interface MessageEndpoint {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: "message", listener: (event: MessageEvent) => void): void;
  removeEventListener(type: "message", listener: (event: MessageEvent) => void): void;
  /** MessagePorts deliver nothing until started. */
  start?(): void;
}

/** Is `data` a message of this protocol? */
export function isProtocolMessage(data: unknown): boolean {
  return typeof data === "object" && data !== null && (data as { protocol?: unknown }).protocol === PROTOCOL;
}
