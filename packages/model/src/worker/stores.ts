// The worker's ModelStores: one per (API, channel, model), all on one cache (the Cache API in browsers, else
// memory), so every client of the worker shares one download and one verified copy. `ManagedStore` names the
// ModelStore methods the worker forwards (load with `update`, checkForUpdate, install, rollback, versions,
// clear, activeVersion).
import type { BlobCache } from "../bundle/cache";
import { createMemoryCache } from "../bundle/cache";
import { createCacheApiCache } from "../bundle/cache-api";
import { ModelStore, type ModelStoreOptions } from "../bundle/model-store";
import type { WorkerModelSource, WorkerStoreSource } from "./protocol";

/** The ModelStore surface the worker forwards to (tests may hand in a wrapped store). */
export type ManagedStore = Pick<
  ModelStore,
  "load" | "checkForUpdate" | "install" | "rollback" | "versions" | "clear" | "activeVersion" | "on"
>;

/** Options of {@link Stores}. */
export interface StoresOptions {
  /** fetch for manifests and files (tests pass the fake API's). */
  fetch?: typeof fetch;
  /** The cache every store shares (default: the Cache API where there is one, else memory). */
  cache?: () => Promise<BlobCache>;
  /** Makes a store (default `new ModelStore`); tests wrap it. */
  createStore?: (options: ModelStoreOptions) => ManagedStore;
  /** Called once for each new store, to forward its events. */
  onStore?: (store: ManagedStore) => void;
}

/** The identity of a source: equal sources share one load. */
export function sourceKey(source: WorkerModelSource): string {
  if ("url" in source) return `url:${source.url}`;
  return `api:${source.api}|${source.channel ?? "stable"}|${source.model ?? "default"}`;
}

/** The worker's stores by source; see the file header. */
export class Stores {
  private readonly stores = new Map<string, ManagedStore>();
  private cache: Promise<BlobCache> | undefined;

  constructor(private readonly options: StoresOptions = {}) {}

  /** The store of `source` (created on first use). */
  async get(source: WorkerStoreSource): Promise<ManagedStore> {
    const key = sourceKey(source);
    const existing = this.stores.get(key);
    if (existing) return existing;
    this.cache ??= this.options.cache?.() ?? defaultCache();
    const cache = await this.cache;
    const again = this.stores.get(key); // another call made it while the cache opened
    if (again) return again;
    const storeOptions: ModelStoreOptions = {
      ...source,
      cache,
      ...(this.options.fetch && { fetch: this.options.fetch }),
    };
    const store = this.options.createStore?.(storeOptions) ?? new ModelStore(storeOptions);
    this.stores.set(key, store);
    this.options.onStore?.(store);
    return store;
  }
}

async function defaultCache(): Promise<BlobCache> {
  return (await createCacheApiCache()) ?? createMemoryCache();
}
