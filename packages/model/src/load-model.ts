// One call from "where the weights are" to a ready model: a bundle already in memory, static files with a
// card, or a channel of the API (signed manifest, verified download, cache, update safety). Browser-safe;
// the Node entry adds folders and the filesystem cache.
import type { Precision } from "@commonspace/manifest";
import { getBackend } from "./backend";
import { precisionPreference, type ModelBundle } from "./bundle/bundle";
import { createCacheApiCache } from "./bundle/cache-api";
import { loadBundleFromUrl } from "./bundle/card-bundle";
import type { BundleProgress } from "./bundle/fetch-files";
import {
  ModelStore,
  type ModelStoreOptions,
  type StoreLoadResult,
  type UpdateMode,
} from "./bundle/model-store";
import type { ModelError } from "./errors";
import { createModel, type Model } from "./model";

/** Where a model comes from. */
export type ModelSource =
  | { readonly bundle: ModelBundle }
  /** Static files of a bundle (card.json and its files) under a URL; checked against the card. */
  | { readonly url: string | URL; readonly fetch?: typeof fetch }
  /** A channel of the API; the cache defaults to the Cache API in browsers, else memory. */
  | ModelStoreOptions;

/** Options of {@link loadModel}. */
export interface LoadModelOptions {
  signal?: AbortSignal;
  /** Download progress (API sources: bytes per file and in total). */
  onProgress?: (progress: BundleProgress) => void;
  /** Problems that did not stop loading: a refused update, a full disk, an unreachable API. */
  onWarning?: (warning: ModelError) => void;
  /** What happened to updates (API sources only). */
  onStatus?: (result: Omit<StoreLoadResult, "bundle">) => void;
  /**
   * Precisions to download, best first, instead of the backend's default (`precisionPreference`). A bundle may
   * hold int8-weight variants (about half the download of fp16 weights; the card's `gen_r_precision_int8_weights`
   * says what they cost in quality): `["int8-weights", "fp16-weights", "fp32"]` takes them where they exist.
   */
  precisions?: readonly Precision[];
  /**
   * API sources: `"auto"` (default) installs the channel's newest version when it verifies; `"manual"` opens the
   * version this device already holds without any request (installing only when it holds none).
   */
  update?: UpdateMode;
}

/**
 * Loads a model.
 * @example
 * const model = await loadModel({ api: "https://api.example.org", channel: "stable" }, {
 *   onProgress: (p) => (bar.value = p.totalLoaded / p.totalBytes),
 * });
 */
export async function loadModel(source: ModelSource, options: LoadModelOptions = {}): Promise<Model> {
  if ("bundle" in source) return createModel(source.bundle);
  const precisions = options.precisions ?? precisionPreference((await getBackend()).shaderF16);
  if ("url" in source) {
    const bundle = await loadBundleFromUrl(source.url, {
      precisions,
      ...(source.fetch && { fetch: source.fetch }),
      ...(options.signal && { signal: options.signal }),
    });
    return createModel(bundle);
  }
  const store = new ModelStore({ ...source, cache: source.cache ?? (await createCacheApiCache()) });
  const off = options.onWarning ? store.on("warning", options.onWarning) : undefined;
  try {
    const { bundle, ...status } = await store.load({
      precisions,
      ...(options.update && { update: options.update }),
      ...(options.signal && { signal: options.signal }),
      ...(options.onProgress && { onProgress: options.onProgress }),
    });
    options.onStatus?.(status);
    return createModel(bundle);
  } finally {
    off?.();
  }
}
