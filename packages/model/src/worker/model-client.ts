// ModelClient: the in-thread Model's async API, served by the model worker. Options and results are Model's
// own types; onProgress stays here (fed by progress messages) and an AbortSignal becomes a cancel message.
// Buffers: the worker transfers what it made (images, codes, embeddings, partial previews), so results arrive
// without a copy; what a caller passes in (images, codes, index vectors) is copied, never detached.
import type { BackendInfo } from "../backend";
import type { ModelCard } from "../bundle/card";
import type { BundleProgress } from "../bundle/fetch-files";
import type { CachedVersion, UpdateCheck } from "../bundle/model-store";
import type { CaptionOptions } from "../caption";
import type { Neighbour } from "../embedding-index";
import type { ModelError } from "../errors";
import { Emitter } from "../events";
import type { GenerateOptions, GenerateProgress, Generation } from "../generate";
import type { RgbaImage } from "../image";
import type { ExplainOptions, Explanation } from "../explain";
import type { Ranked } from "../rank";
import type { ClientInstallOptions, ClientLoadOptions, ModelClientEvents } from "./client-options";
export type { ClientInstallOptions, ClientLoadOptions, ModelClientEvents } from "./client-options";
import { Connection, type ConnectionOptions } from "./connection";
import type {
  IndexEntry,
  IndexKey,
  LoadedModel,
  OpenedDatasetIndex,
  OperationArgs,
  WorkerLoadOptions,
  WorkerModelSource,
  WorkerSettings,
} from "./protocol";
import { fromWireError, type WireError } from "./wire-error";

/** The model, run in a worker; create with getModelClient() / createModelClient(). */
export class ModelClient extends Emitter<ModelClientEvents> {
  private readonly connection: Connection;
  private current: LoadedModel<ModelError> | undefined;
  private lastLoad: { source: WorkerModelSource; options: WorkerLoadOptions } | undefined;

  /** @param settings sent to the worker before its first request (and again to a restarted worker). */
  constructor(endpoint: ConnectionOptions["endpoint"], settings: WorkerSettings = {}) {
    super();
    this.connection = new Connection({
      endpoint,
      onEvent: (event, data) => this.onEvent(event, data),
      onCrash: (error) => this.emit("crash", error),
      onStart: async (restart) => {
        if (Object.keys(settings).length > 0)
          await this.connection.request("configure", [settings], {}, true);
        if (restart && this.lastLoad)
          await this.send("load", [this.lastLoad.source, this.lastLoad.options], true);
      },
    });
  }

  /** Subscribes to a worker event; connects (starting the worker) so that events flow before any request. */
  override on<K extends keyof ModelClientEvents>(
    type: K,
    listener: (event: ModelClientEvents[K]) => void,
  ): () => void {
    const off = super.on(type, listener);
    try {
      this.connection.open();
    } catch {
      // A terminated client has no worker to hear; the listener simply never fires.
    }
    return off;
  }

  /** The active model's card (after load), e.g. for `card.vq.res`. */
  get card(): ModelCard | undefined {
    return this.current?.card;
  }

  /** The active model as last reported by the worker. */
  get model(): LoadedModel<ModelError> | undefined {
    return this.current;
  }

  /**
   * Loads a model in the worker. A source that is already loading (another consumer asked) is joined, one that
   * is already active is returned as it is: updates after that go through checkForUpdate / install.
   */
  async load(source: WorkerModelSource, options: ClientLoadOptions = {}): Promise<LoadedModel<ModelError>> {
    const { signal, onProgress, ...rest } = options;
    const absolute = absoluteSource(source);
    const loaded = await this.send("load", [absolute, rest], false, { signal, onProgress });
    this.lastLoad = { source: absolute, options: rest };
    return loaded;
  }

  /** The worker's backend (WebGPU / wasm), thread count and self-check. */
  backend(): Promise<BackendInfo> {
    return this.connection.request("backend", []);
  }

  /** Generates images; partial images come through `onProgress`, `signal` cancels within one step. */
  generate(caption: string, options: GenerateOptions = {}): Promise<Generation> {
    const { signal, onProgress, ...rest } = options;
    const onStep = onProgress as ((p: GenerateProgress) => void) | undefined;
    return this.connection.request("generate", [caption, rest], { signal, onProgress: onStep });
  }

  /** A caption for `image` (copied to the worker). */
  caption(image: RgbaImage, options: CaptionOptions = {}): Promise<string> {
    const { signal, ...rest } = options;
    return this.connection.request("caption", [plainImage(image), rest], { signal });
  }

  /** Unit CLIP embeddings of captions. */
  embedText(texts: readonly string[]): Promise<Float32Array[]> {
    return this.connection.request("embedText", [texts]);
  }

  /** Unit CLIP embeddings of images (copied to the worker). */
  embedImage(images: readonly RgbaImage[]): Promise<Float32Array[]> {
    return this.connection.request("embedImage", [images.map(plainImage)]);
  }

  /** Ranks captions for an image, or images for a caption (items are the caller's own objects). */
  rank(image: RgbaImage, captions: readonly string[]): Promise<Ranked<string>[]>;
  rank(caption: string, images: readonly RgbaImage[]): Promise<Ranked<RgbaImage>[]>;
  async rank<T extends string | RgbaImage>(
    query: string | RgbaImage,
    items: readonly T[],
  ): Promise<Ranked<T>[]> {
    const plain = (value: string | RgbaImage) => (typeof value === "string" ? value : plainImage(value));
    const ranked = await this.connection.request("rank", [plain(query), items.map(plain)]);
    return ranked.map((r) => ({ item: items[r.index] as T, ...r }));
  }

  /** Images → their G × G VQ codes. */
  encodeImages(images: readonly RgbaImage[]): Promise<Int32Array[]> {
    return this.connection.request("encodeImages", [images.map(plainImage)]);
  }

  /** VQ codes → images. */
  decodeCodes(codes: readonly Int32Array[]): Promise<RgbaImage[]> {
    return this.connection.request("decodeCodes", [codes]);
  }

  /** Registers (or replaces) an embedding index in the worker, for {@link ModelClient.search}. */
  createIndex<K extends IndexKey>(
    name: string,
    entries: readonly IndexEntry<K>[],
  ): Promise<{ size: number; dim: number }> {
    return this.connection.request("createIndex", [name, entries]);
  }

  /** The `k` keys of index `name` nearest to a caption, an image or a CLIP vector. */
  search<K extends IndexKey = IndexKey>(
    name: string,
    query: string | RgbaImage | Float32Array,
    k = 10,
  ): Promise<Neighbour<K>[]> {
    const q = typeof query === "string" || query instanceof Float32Array ? query : plainImage(query);
    return this.connection.request("search", [name, q, k]) as Promise<Neighbour<K>[]>;
  }

  /** Adds (or replaces) vectors of index `name` (e.g. images approved after the index was built). */
  addToIndex<K extends IndexKey>(
    name: string,
    entries: readonly IndexEntry<K>[],
  ): Promise<{ size: number; dim: number }> {
    return this.connection.request("addToIndex", [name, entries]);
  }

  /** The `k` keys nearest to `key`'s own vector in index `name` ("more like this"; `key` itself first). */
  similar<K extends IndexKey = IndexKey>(name: string, key: K, k = 10): Promise<Neighbour<K>[]> {
    return this.connection.request("similar", [name, key, k]) as Promise<Neighbour<K>[]>;
  }

  /**
   * Downloads the active model version's dataset index (only now: the model's load never fetches it) and
   * registers its embeddings as index `"dataset"` (DATASET_INDEX_NAME), keyed by row; the page gets index.json and
   * the atlas PNG. @throws NoDatasetIndexError (as a ModelError) when the version has none.
   */
  openDatasetIndex(): Promise<OpenedDatasetIndex> {
    return this.connection.request("openDatasetIndex", []);
  }

  /** Per-word occlusion heatmaps of `caption` on `image` (src/explain.ts). */
  explain(image: RgbaImage, caption: string, options: ExplainOptions = {}): Promise<Explanation> {
    return this.connection.request("explain", [plainImage(image), caption, options]);
  }

  /** Asks the API whether the active model's channel moved (one request; installs nothing). */
  checkForUpdate(options: { signal?: AbortSignal } = {}): Promise<UpdateCheck> {
    return this.connection.request("checkForUpdate", [], options);
  }

  /** Installs the channel's newest version; the worker's next operation uses it. */
  install(options: ClientInstallOptions = {}): Promise<LoadedModel<ModelError>> {
    const { signal, onProgress, ...rest } = options;
    return this.send("install", [rest], false, { signal, onProgress });
  }

  /** Makes the previous version current again (from the cache); the next operation uses it. */
  rollback(options: ClientInstallOptions = {}): Promise<LoadedModel<ModelError>> {
    const { signal, onProgress, ...rest } = options;
    return this.send("rollback", [rest], false, { signal, onProgress });
  }

  /** The versions the device holds (current first). */
  versions(): Promise<CachedVersion[]> {
    return this.connection.request("versions", []);
  }

  /** Forgets every version from the active model's API and deletes their files (the model keeps running). */
  clear(): Promise<void> {
    return this.connection.request("clear", []);
  }

  /** The device's current version of the active model's API source, or undefined. */
  activeVersion(): Promise<string | undefined> {
    return this.connection.request("activeVersion", []);
  }

  /** Ends the worker; every later call rejects with a WorkerError. */
  terminate(): void {
    this.connection.terminate();
  }

  private async send<O extends "load" | "install" | "rollback">(
    op: O,
    args: OperationArgs<O>,
    internal: boolean,
    options: {
      signal?: AbortSignal | undefined;
      onProgress?: ((p: BundleProgress) => void) | undefined;
    } = {},
  ): Promise<LoadedModel<ModelError>> {
    const wire = await this.connection.request(op, args, options as never, internal);
    this.current = revive(wire as LoadedModel<WireError>);
    return this.current;
  }

  private onEvent(event: string, data: unknown): void {
    if (event === "warning") return this.emit("warning", fromWireError(data as WireError) as ModelError);
    if (event === "model") {
      this.current = revive(data as LoadedModel<WireError>);
      return this.emit("model", this.current);
    }
    if (event === "backend" || event === "update") this.emit(event, data as never);
  }
}

function revive(loaded: LoadedModel<WireError>): LoadedModel<ModelError> {
  return { ...loaded, error: loaded.error && (fromWireError(loaded.error) as ModelError) };
}

/** Resolves page-relative URLs here: the worker would resolve them against its own script's URL. */
function absoluteSource(source: WorkerModelSource): WorkerModelSource {
  const page = (globalThis as { location?: { href: string } }).location?.href;
  if ("url" in source) return { ...source, url: new URL(source.url, page).href };
  return { ...source, api: new URL(source.api, page).href };
}

/**
 * The image as a plain object: callers' images may be wrapped (a Svelte `$state` proxy, a class instance) and
 * postMessage cannot clone such wrappers; the pixels themselves are copied by the structured clone, not moved.
 */
function plainImage(image: RgbaImage): RgbaImage {
  return { width: image.width, height: image.height, data: image.data };
}
