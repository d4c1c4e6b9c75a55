// Everything the model worker does, without the messaging: it holds the stores and the active model, runs
// every operation of the protocol, shares a load between the clients that ask for the same source, swaps the
// model after install / rollback, runs the WebGPU self-check before the first real use, and emits the events
// the handler broadcasts. Usable in-process (tests) exactly as inside the worker.
import { getBackend, onBackendChange } from "../backend";
import { precisionPreference, type ModelBundle } from "../bundle/bundle";
import { loadBundleFromUrl } from "../bundle/card-bundle";
import type { BundleProgress } from "../bundle/fetch-files";
import type { StoreLoadResult } from "../bundle/model-store";
import { BackendError, ModelError } from "../errors";
import { Emitter } from "../events";
import { createModel, type Model } from "../model";
import { modesOf } from "../modes";
import { ModelSlot } from "./model-slot";
import {
  DATASET_INDEX_NAME,
  type LoadedModel,
  type OperationArgs,
  type OperationName,
  type OperationResult,
  type WorkerEvents,
  type WorkerInstallOptions,
  type WorkerLoadOptions,
  type WorkerModelSource,
} from "./protocol";
import { SearchIndexes } from "./search-indexes";
import { openDatasetIndex } from "../dataset-index/open-index";
import { explainCaption } from "../explain";
import { applyWorkerSettings } from "./settings";
import { checkBackend, type SelfCheckOptions } from "./self-check";
import { SharedTask } from "./shared-task";
import { sourceKey, Stores, type ManagedStore, type StoresOptions } from "./stores";

/** Per request: its cancellation and where its progress goes. */
export interface OperationContext {
  readonly signal: AbortSignal;
  progress(progress: unknown): void;
}

/** Options of {@link ModelHost}. */
export interface ModelHostOptions extends StoresOptions {
  /** Injected self-check sessions (tests). */
  selfCheck?: SelfCheckOptions;
}

interface Active {
  readonly key: string;
  readonly loaded: LoadedModel<ModelError>;
  readonly store: ManagedStore | undefined;
}

type Implementation<O extends OperationName> = (
  context: OperationContext,
  ...args: OperationArgs<O>
) => Promise<OperationResult<O> extends LoadedModel<unknown> ? LoadedModel<ModelError> : OperationResult<O>>;

/** The worker's state and operations; see the file header. */
export class ModelHost extends Emitter<WorkerEvents<ModelError>> {
  private readonly slot = new ModelSlot<Active>();
  private readonly stores: Stores;
  private readonly indexes = new SearchIndexes();
  private loading: SharedTask<LoadedModel<ModelError>, BundleProgress> | undefined;
  /** The source asked for last: a load that finishes after another source was asked for is not made active. */
  private requested: string | undefined;
  private readonly offBackend: () => void;

  constructor(private readonly options: ModelHostOptions = {}) {
    super();
    this.stores = new Stores({ ...options, onStore: (store) => this.forward(store) });
    this.offBackend = onBackendChange((info) => {
      this.emit("backend", info);
      if (info.name === "wasm" && info.epoch > 0) this.emit("warning", new BackendError(info.reason));
    });
  }

  /** The operations by name, as the handler dispatches them. */
  readonly operations: { [O in OperationName]: Implementation<O> } = {
    configure: async (_, settings) => applyWorkerSettings(settings),
    load: (context, source, options) => this.load(context, source, options),
    backend: () => getBackend(),
    generate: (c, caption, options) =>
      this.use((m) => m.generate(caption, { ...options, signal: c.signal, onProgress: c.progress })),
    caption: (c, image, options) => this.use((m) => m.caption(image, { ...options, signal: c.signal })),
    embedText: (_, texts) => this.use((m) => m.embedText(texts)),
    embedImage: (_, images) => this.use((m) => m.embedImage(images)),
    rank: (_, query, items) =>
      this.use(async (m) => {
        const ranked = await m.rank(query as string, items as never);
        return ranked.map(({ index, score, probability }) => ({ index, score, probability }));
      }),
    encodeImages: (_, images) => this.use((m) => m.encodeImages(images)),
    decodeCodes: (_, codes) => this.use((m) => m.decodeCodes(codes)),
    createIndex: async (_, name, entries) => {
      const dim = this.slot.active?.loaded.card.clip.embedDim ?? entries[0]?.vector.length ?? 1;
      return this.indexes.create(name, entries, dim);
    },
    search: (_, name, query, k) =>
      this.use(async (m) => {
        if (query instanceof Float32Array) return this.indexes.search(name, query, k);
        const [q] = typeof query === "string" ? await m.embedText([query]) : await m.embedImage([query]);
        return this.indexes.search(name, q as Float32Array, k);
      }),
    addToIndex: async (_, name, entries) => this.indexes.add(name, entries),
    similar: async (_, name, key, k) => this.indexes.similar(name, key, k),
    openDatasetIndex: (c) =>
      this.use(async (m) => {
        const fetchOption = this.options.fetch && { fetch: this.options.fetch };
        const { index, vectors, atlas } = await openDatasetIndex(m.bundle, {
          signal: c.signal,
          ...fetchOption,
        });
        const entries = vectors.map((vector, key) => ({ key, vector }));
        this.indexes.create(DATASET_INDEX_NAME, entries, index.dim);
        return { index, atlas };
      }),
    explain: (_, image, caption, options) =>
      this.use((m) => explainCaption(m, image, caption, m.card.vq.res, options)),
    checkForUpdate: (c) => this.withStore("checkForUpdate").store.checkForUpdate({ signal: c.signal }),
    install: async (c, options) => {
      const active = this.withStore("install");
      const result = await active.store.install(await this.installOptions(c, options));
      if (result.status === "installed") return this.swap(active, result.bundle, result);
      return { ...active.loaded, status: result.status, error: result.error };
    },
    rollback: async (c, options) => {
      const active = this.withStore("rollback");
      const result = await active.store.rollback(await this.installOptions(c, options));
      return this.swap(active, result.bundle, result);
    },
    versions: async () => this.withStore("versions").store.versions({ precisions: await this.precisions() }),
    clear: () => this.withStore("clear").store.clear(),
    activeVersion: () => this.withStore("activeVersion").store.activeVersion(),
  };

  /** Stops listening for backend changes (tests; a worker just ends). */
  close(): void {
    this.offBackend();
  }

  private async load(context: OperationContext, source: WorkerModelSource, options: WorkerLoadOptions) {
    await applyWorkerSettings(options);
    const key = sourceKey(source);
    this.requested = key;
    const active = this.slot.active;
    if (active?.key === key) return active.loaded;
    if (this.loading?.key !== key) {
      const task = new SharedTask(key, "load", (signal, onProgress: (p: BundleProgress) => void) =>
        this.loadNow(source, options, signal, onProgress),
      );
      this.loading = task;
      const settle = (failed: boolean): void => {
        if (this.loading === task) this.loading = undefined;
        // A failed load asked for nothing: the active model's source is the one asked for again.
        if (failed && this.requested === key) this.requested = this.slot.active?.key;
      };
      void task.settled().then(
        () => settle(false),
        () => settle(true),
      );
    }
    return this.loading.join(context.signal, context.progress);
  }

  private async loadNow(
    source: WorkerModelSource,
    options: WorkerLoadOptions,
    signal: AbortSignal,
    onProgress: (progress: BundleProgress) => void,
  ): Promise<LoadedModel<ModelError>> {
    const precisions = options.precisions ?? (await this.precisions());
    const key = sourceKey(source);
    if ("url" in source) {
      const fetchOption = this.options.fetch && { fetch: this.options.fetch };
      const bundle = await loadBundleFromUrl(source.url, { precisions, signal, ...fetchOption });
      return this.swap({ key, store: undefined }, bundle, { status: "static", error: undefined });
    }
    const store = await this.stores.get(source);
    const update = options.update && { update: options.update };
    const result = await store.load({ precisions, signal, onProgress, ...update });
    return this.swap({ key, store }, result.bundle, result);
  }

  /**
   * Makes `bundle` the active model (unless another source was asked for since) and tells every client.
   * Operations already running keep the model they started on (ModelSlot).
   */
  private swap(
    target: Pick<Active, "key" | "store">,
    bundle: ModelBundle,
    result: Parameters<typeof describe>[1],
  ): LoadedModel<ModelError> {
    const loaded = describe(bundle, result);
    if (this.requested !== undefined && this.requested !== target.key) return loaded; // superseded
    this.slot.swap(createModel(bundle), { ...target, loaded });
    this.emit("model", loaded);
    return loaded;
  }

  /** The active model, which must come from an API channel for store operations. */
  private withStore(operation: string): Active & { store: ManagedStore } {
    const active = this.slot.active;
    if (active?.store) return active as Active & { store: ManagedStore };
    const found = active ? `the active model is a static bundle (${active.key})` : "no model is loaded";
    throw new ModelError(
      `${operation} needs a model loaded from an API channel, but ${found}. Call load({ api, channel }) first.`,
    );
  }

  private use<R>(operation: (model: Model) => Promise<R>): Promise<R> {
    return this.slot.use(async (model) => {
      await checkBackend(model, this.options.selfCheck);
      return operation(model);
    });
  }

  private async installOptions(context: OperationContext, options: WorkerInstallOptions) {
    const precisions = options.precisions ?? (await this.precisions());
    return { precisions, signal: context.signal, onProgress: context.progress };
  }

  private async precisions() {
    return precisionPreference((await getBackend()).shaderF16);
  }

  private forward(store: ManagedStore): void {
    store.on("warning", (warning) => this.emit("warning", warning));
    store.on("update", (update) => this.emit("update", update));
  }
}

function describe(
  bundle: ModelBundle,
  result: Pick<StoreLoadResult, "error"> &
    Partial<Pick<StoreLoadResult, "version" | "channel" | "signedBy">> & { status: LoadedModel["status"] },
): LoadedModel<ModelError> {
  return {
    card: bundle.card,
    ...modesOf(bundle),
    version: result.version ?? bundle.card.version,
    source: bundle.source,
    status: result.status,
    error: result.error,
    channel: result.channel,
    signedBy: result.signedBy,
  };
}
