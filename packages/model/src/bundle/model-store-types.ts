// The public types of ModelStore (model-store.ts): its options, what its calls answer, its events.
import type { ModelError } from "../errors";
import type { ModelBundle } from "./bundle";
import type { BlobCache } from "./cache";
import type { BundleProgress } from "./fetch-files";
import type { TrustedKey } from "./keys";
import type { BundleRole, Manifest, Precision } from "@commonspace/manifest";
import type { StorageStatus } from "./storage";

/** Options of {@link ModelStore}. */
export interface ModelStoreOptions {
  /** API origin (and optional path prefix), e.g. `"https://api.example.org"`; relative URLs resolve against the page. */
  api: string | URL;
  /** Channel to follow (default `"stable"`). */
  channel?: string;
  /** Model name the manifest must name (default `"default"`). */
  model?: string;
  /** Where verified files persist (default: memory; pass the Cache API or file cache). */
  cache?: BlobCache;
  /** Keys that may sign manifests (default {@link defaultTrustedKeys} of `api`). */
  trustedKeys?: readonly TrustedKey[];
  fetch?: typeof fetch;
  /** Retries per request (default 4) and the first backoff delay in ms (default 500, doubling). */
  retries?: number;
  backoffMs?: number;
  /** Roles to load (default LOADED_ROLES: the runtime roles, and the optional ones the bundle has). */
  roles?: readonly BundleRole[];
}

/** Options of {@link ModelStore.install} and {@link ModelStore.rollback}. */
export interface StoreInstallOptions {
  signal?: AbortSignal;
  onProgress?: (progress: BundleProgress) => void;
  /** Precisions to prefer, best first (default: fp16 weights, then fp32; see `precisionPreference`). */
  precisions?: readonly Precision[];
}

/** Whether {@link ModelStore.load} may install a new version by itself. */
export type UpdateMode = "auto" | "manual";

/** Options of {@link ModelStore.load}. */
export interface StoreLoadOptions extends StoreInstallOptions {
  /**
   * `"auto"` (default): one If-None-Match request; the channel's newest version is installed if it verifies.
   * `"manual"`: the device's current version opens from the cache with no request at all (whatever channel it
   * came from); only a device with no version installs the channel's newest.
   */
  update?: UpdateMode;
}

/**
 * What a store call did: `installed` a new version; the API says the `current` one is the newest; opened the
 * `cached` one without asking (manual updates); `kept-previous` (the new version was refused); `offline` (the
 * API was unreachable); `rolled-back` to the previous version.
 */
export type UpdateStatus = "installed" | "current" | "cached" | "kept-previous" | "offline" | "rolled-back";

/** The trusted key that verified a version's manifest. */
export interface SignedBy {
  readonly keyId: string;
  readonly label: string;
  /** A development key: its signature proves nothing about who published the version. */
  readonly development: boolean;
}

/** The active bundle and how it was reached. */
export interface StoreLoadResult {
  readonly bundle: ModelBundle;
  readonly status: UpdateStatus;
  /** Why the previous version was kept, or why the API was not reachable. */
  readonly error: ModelError | undefined;
  readonly version: string;
  /** The channel this version was installed from (may differ from the store's after a switch or rollback). */
  readonly channel: string;
  readonly signedBy: SignedBy;
}

/** The answer of {@link ModelStore.checkForUpdate}. */
export interface UpdateCheck {
  /** The channel points at another version than the device's current one. */
  readonly available: boolean;
  /** The channel's version. */
  readonly version: string;
  /** The device's current version, if any. */
  readonly current: string | undefined;
  /** Bytes {@link ModelStore.install} would download: the preferred files not already cached (0 if none). */
  readonly downloadBytes: number;
  /** The channel's verified manifest (version, created, metrics, card, files). */
  readonly manifest: Manifest;
  readonly signedBy: SignedBy;
}

/** A version the device holds, for a Models page (see {@link ModelStore.versions}). */
export interface CachedVersion {
  readonly slot: "current" | "previous";
  readonly version: string;
  readonly channel: string;
  /** Bytes of this version's files in the cache now (a file both versions use counts in each). */
  readonly bytes: number;
  /** Every file the preferred precisions need is cached: it opens (or rolls back) with no download. */
  readonly complete: boolean;
  readonly manifestSha256: string;
  readonly created: string;
  readonly signedBy: SignedBy;
}

/** Events of a {@link ModelStore}. */
export interface ModelStoreEvents {
  /** Something optional failed; loading went on (e.g. a refused update, a full disk). */
  warning: ModelError;
  /** Persistent-storage and quota status, once per store in browsers. */
  storage: StorageStatus;
  /** Another version became current (an install or a rollback). */
  update: { readonly from: string | undefined; readonly to: string };
}
