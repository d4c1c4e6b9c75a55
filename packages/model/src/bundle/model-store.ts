// A channel's model, kept up to date safely: fetch the signed manifest (If-None-Match), verify it, download
// and verify every file, and only then make the new version active. Until then, and whenever anything about
// the new version fails (signature, format, a byte of a file, the network), the previous version stays active
// and a warning says why.
import { CancelledError, ModelError } from "../errors";
import { Emitter } from "../events";
import { assembleBundle, precisionPreference, RUNTIME_ROLES, selectFiles, type ModelBundle } from "./bundle";
import { createMemoryCache, type BlobCache } from "./cache";
import { fetchFiles, type BundleProgress } from "./fetch-files";
import { defaultTrustedKeys, type TrustedKey } from "./keys";
import type { BundleRole, Precision } from "./manifest";
import { channelManifestUrl, requestManifest } from "./manifest-request";
import { verifyManifest, type VerifiedManifest } from "./signature";
import { checkStorage, quotaShortfall, type StorageStatus } from "./storage";

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
  /** Roles to load (default: what the runtime needs). */
  roles?: readonly BundleRole[];
}

/** Options of {@link ModelStore.load}. */
export interface StoreLoadOptions {
  signal?: AbortSignal;
  onProgress?: (progress: BundleProgress) => void;
  /** Precisions to prefer, best first (default: fp16 weights, then fp32; see `precisionPreference`). */
  precisions?: readonly Precision[];
}

/** What {@link ModelStore.load} did about updates. */
export type UpdateStatus = "installed" | "current" | "kept-previous" | "offline";

/** The active bundle and how it was reached. */
export interface StoreLoadResult {
  readonly bundle: ModelBundle;
  readonly status: UpdateStatus;
  /** Why the previous version was kept, or why the API was not reachable. */
  readonly error: ModelError | undefined;
}

/** Events of a {@link ModelStore}. */
export interface ModelStoreEvents {
  /** Something optional failed; loading went on (e.g. a refused update, a full disk). */
  warning: ModelError;
  /** Persistent-storage and quota status, once per store in browsers. */
  storage: StorageStatus;
  /** A new version became active. */
  update: { readonly from: string | undefined; readonly to: string };
}

interface ActiveRecord {
  envelope: unknown;
  etag: string | undefined;
  manifestSha256: string;
  version: string;
  /** Files of the version active before this one: never pruned while this one is active. */
  previousFiles: string[];
}

/** Follows one channel of one model on the API; see the file header. */
export class ModelStore extends Emitter<ModelStoreEvents> {
  readonly api: string;
  readonly channel: string;
  readonly model: string;
  readonly cache: BlobCache;
  private readonly keys: readonly TrustedKey[];
  private readonly fetchImpl: typeof fetch;
  private readonly retries: number;
  private readonly backoffMs: number;
  private readonly roles: readonly BundleRole[];
  private storageChecked = false;

  constructor(options: ModelStoreOptions) {
    super();
    // A relative API URL ("/api") resolves against the page, as fetch would resolve it.
    const page = (globalThis as { location?: { href: string } }).location?.href;
    this.api = new URL(String(options.api), page).toString();
    this.channel = options.channel ?? "stable";
    this.model = options.model ?? "default";
    this.cache = options.cache ?? createMemoryCache();
    this.keys = options.trustedKeys ?? defaultTrustedKeys(this.api);
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.retries = options.retries ?? 4;
    this.backoffMs = options.backoffMs ?? 500;
    this.roles = options.roles ?? RUNTIME_ROLES;
  }

  private get recordKey(): string {
    return `active:${new URL(this.api).origin}:${this.model}:${this.channel}`;
  }

  /** The version active in the cache (no network), or undefined. */
  async activeVersion(): Promise<string | undefined> {
    return (await this.readActive())?.version;
  }

  /**
   * Loads the channel's newest version, installing it if it verifies, else keeping the previous one.
   * @throws when there is no previous version to fall back to, or on cancellation.
   */
  async load(options: StoreLoadOptions = {}): Promise<StoreLoadResult> {
    const active = await this.readActive();
    const url = channelManifestUrl(this.api, this.channel);
    let fresh: VerifiedManifest | undefined;
    let envelope: unknown;
    let etag: string | undefined;
    try {
      const response = await requestManifest(url, { ...this.requestOptions(options), etag: active?.etag });
      if (response.status === 200) {
        fresh = await verifyManifest(response.body, this.keys, this.model);
        envelope = response.body;
        etag = response.etag;
      }
    } catch (error) {
      return this.fallBack(active, error, options);
    }
    if (!fresh || (active && fresh.manifestSha256 === active.manifestSha256)) {
      if (!active)
        throw new ModelError(`${url} answered 304 but this cache holds no version; clear the ETag.`);
      return { bundle: await this.open(active, options), status: "current", error: undefined };
    }
    let bundle: ModelBundle;
    try {
      bundle = await this.install(fresh, options);
    } catch (error) {
      return this.fallBack(active, error, options);
    }
    await this.activate(active, { envelope, etag, verified: fresh }, bundle);
    return { bundle, status: "installed", error: undefined };
  }

  /** Asks the API whether the channel moved (one request; 304 when not). Installs nothing. */
  async checkForUpdate(
    options: { signal?: AbortSignal } = {},
  ): Promise<{ available: boolean; version: string }> {
    const active = await this.readActive();
    const url = channelManifestUrl(this.api, this.channel);
    const response = await requestManifest(url, { ...this.requestOptions(options), etag: active?.etag });
    if (response.status === 304 && active) return { available: false, version: active.version };
    if (response.status === 304) throw new ModelError(`${url} answered 304 but no version is active.`);
    const fresh = await verifyManifest(response.body, this.keys, this.model);
    return { available: fresh.manifestSha256 !== active?.manifestSha256, version: fresh.manifest.version };
  }

  private requestOptions(options: { signal?: AbortSignal }) {
    return {
      fetch: this.fetchImpl,
      signal: options.signal,
      retries: this.retries,
      backoffMs: this.backoffMs,
    };
  }

  private async fallBack(active: ActiveRecord | undefined, error: unknown, options: StoreLoadOptions) {
    if (error instanceof CancelledError || !active) throw error;
    const wrapped = error instanceof ModelError ? error : new ModelError(String(error), { cause: error });
    this.emit("warning", wrapped);
    const offline = wrapped.name === "DownloadError";
    const bundle = await this.open(active, options);
    return {
      bundle,
      status: offline ? "offline" : "kept-previous",
      error: wrapped,
    } satisfies StoreLoadResult;
  }

  /** Re-verifies the stored envelope (a local edit must not pass either) and loads its files. */
  private async open(active: ActiveRecord, options: StoreLoadOptions): Promise<ModelBundle> {
    return this.install(await verifyManifest(active.envelope, this.keys, this.model), options);
  }

  private async install(verified: VerifiedManifest, options: StoreLoadOptions): Promise<ModelBundle> {
    const preference = options.precisions ?? precisionPreference(false);
    const files = selectFiles(verified.manifest.files, this.roles, preference);
    await this.reportStorage(files.reduce((n, f) => n + f.bytes, 0));
    const fetched = await fetchFiles(files, {
      api: this.api,
      cache: this.cache,
      fetch: this.fetchImpl,
      retries: this.retries,
      backoffMs: this.backoffMs,
      signal: options.signal,
      onProgress: options.onProgress,
      onWarning: (warning) => this.emit("warning", warning),
    });
    return assembleBundle(fetched, verified.manifest, channelManifestUrl(this.api, this.channel));
  }

  private async reportStorage(needed: number): Promise<void> {
    if (this.storageChecked || this.cache.kind !== "cache-api") return;
    this.storageChecked = true;
    const status = await checkStorage();
    this.emit("storage", status);
    const shortfall = quotaShortfall(status, needed);
    if (shortfall) this.emit("warning", shortfall);
  }

  private async activate(
    old: ActiveRecord | undefined,
    fresh: { envelope: unknown; etag: string | undefined; verified: VerifiedManifest },
    bundle: ModelBundle,
  ): Promise<void> {
    const record: ActiveRecord = {
      envelope: fresh.envelope,
      etag: fresh.etag,
      manifestSha256: fresh.verified.manifestSha256,
      version: fresh.verified.manifest.version,
      previousFiles: old ? await this.filesOf(old) : [],
    };
    await this.cache.writeRecord(this.recordKey, JSON.stringify(record));
    await this.prune(record, bundle);
    this.emit("update", { from: old?.version, to: record.version });
  }

  private async filesOf(record: ActiveRecord): Promise<string[]> {
    const verified = await verifyManifest(record.envelope, this.keys, this.model).catch(() => undefined);
    return verified ? verified.manifest.files.map((f) => f.sha256) : [];
  }

  /** Deletes cached files that neither the active nor the previous version of any channel here uses. */
  private async prune(record: ActiveRecord, bundle: ModelBundle): Promise<void> {
    const keep = new Set([...record.previousFiles, ...[...bundle.files.values()].map((f) => f.sha256)]);
    const refs = JSON.parse((await this.cache.readRecord("stores")) ?? "[]") as string[];
    if (!refs.includes(this.recordKey)) refs.push(this.recordKey);
    await this.cache.writeRecord("stores", JSON.stringify(refs));
    for (const key of refs.filter((k) => k !== this.recordKey)) {
      const other = await this.cache.readRecord(key);
      if (!other) continue;
      const parsed = JSON.parse(other) as ActiveRecord;
      for (const sha of [...parsed.previousFiles, ...(await this.filesOf(parsed))]) keep.add(sha);
    }
    for (const sha of await this.cache.list()) if (!keep.has(sha)) await this.cache.delete(sha);
  }

  private async readActive(): Promise<ActiveRecord | undefined> {
    const text = await this.cache.readRecord(this.recordKey).catch(() => undefined);
    if (!text) return undefined;
    try {
      return JSON.parse(text) as ActiveRecord;
    } catch {
      this.emit(
        "warning",
        new ModelError(`The cached record ${this.recordKey} is not JSON; it was ignored.`),
      );
      return undefined;
    }
  }
}
