// One model from one API, as this device holds it: the current version and the previous one (see
// device-record.ts). `load` opens the current version, and with `update: "auto"` first asks the channel
// (If-None-Match) and installs its newest version when every byte of it verifies; `checkForUpdate`, `install`,
// `rollback`, `versions` and `clear` serve a Models page. A new version becomes current only once it fully
// verified; whenever it fails (signature, format, a byte of a file, the network) the current one stays and a
// warning says why. In manual mode nothing downloads unless the person asks (`install`) or nothing is cached.
import { CancelledError, ModelError, ModelOptionError, NoPreviousVersionError } from "../errors";
import { Emitter } from "../events";
import { assembleBundle, LOADED_ROLES, precisionPreference, selectFiles, type ModelBundle } from "./bundle";
import { createMemoryCache, type BlobCache } from "./cache";
import {
  deviceRecordKey,
  readDeviceRecord,
  recordKeyOrigin,
  writeDeviceRecord,
  type DeviceRecord,
  type InstalledVersion,
} from "./device-record";
import { fetchFiles } from "./fetch-files";
import { defaultTrustedKeys, type TrustedKey } from "./keys";
import type { BundleRole, Manifest, ManifestFile, Precision } from "@commonspace/manifest";
import { channelManifestUrl, requestManifest } from "./manifest-request";
import type {
  CachedVersion,
  ModelStoreEvents,
  ModelStoreOptions,
  SignedBy,
  StoreInstallOptions,
  StoreLoadOptions,
  StoreLoadResult,
  UpdateCheck,
  UpdateStatus,
} from "./model-store-types";
import { deleteUnreferenced, forgetStores, readStoreKeys } from "./shared-cache";
import { verifyManifest, type VerifiedManifest } from "./signature";
import { checkStorage, quotaShortfall } from "./storage";

export type {
  CachedVersion,
  ModelStoreEvents,
  ModelStoreOptions,
  SignedBy,
  StoreInstallOptions,
  StoreLoadOptions,
  StoreLoadResult,
  UpdateCheck,
  UpdateMode,
  UpdateStatus,
} from "./model-store-types";

/** A channel manifest that verified. */
interface ChannelManifest {
  readonly envelope: unknown;
  readonly etag: string | undefined;
  readonly verified: VerifiedManifest;
}

/** What the channel said: still the device's current version, or another one. */
type ChannelAnswer = { readonly unchanged: InstalledVersion } | { readonly moved: ChannelManifest };

/** Manages one model from one API on this device: follows a channel, installs, rolls back, clears. */
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
    this.roles = options.roles ?? LOADED_ROLES;
  }

  private get recordKey(): string {
    return deviceRecordKey(this.api, this.model);
  }

  /** The device's current version (no network), or undefined. */
  async activeVersion(): Promise<string | undefined> {
    return (await this.readRecord())?.current.version;
  }

  /**
   * Opens the model. `update: "auto"` installs the channel's newest version if it verifies, else keeps the
   * current one; `"manual"` opens the current one without a request (see {@link StoreLoadOptions.update}).
   * @throws when there is no current version to fall back to, or on cancellation.
   */
  async load(options: StoreLoadOptions = {}): Promise<StoreLoadResult> {
    const update = options.update ?? "auto";
    if (update !== "auto" && update !== "manual")
      throw new ModelOptionError("update", update, '"auto" or "manual"');
    const record = await this.readRecord();
    if (update === "manual" && record) return this.open(record.current, "cached", undefined, options);
    let answer: ChannelAnswer;
    try {
      answer = await this.askChannel(record, options);
    } catch (error) {
      return this.fallBack(record, error, options);
    }
    if ("unchanged" in answer) return this.open(answer.unchanged, "current", undefined, options);
    try {
      return await this.installVerified(record, answer.moved, options);
    } catch (error) {
      return this.fallBack(record, error, options);
    }
  }

  /** Asks the API whether the channel moved (one request; a 304 means no). Downloads and installs nothing. */
  async checkForUpdate(
    options: { signal?: AbortSignal; precisions?: readonly Precision[] } = {},
  ): Promise<UpdateCheck> {
    const record = await this.readRecord();
    const answer = await this.askChannel(record, options);
    const current = record?.current.version;
    if ("unchanged" in answer) {
      const verified = await this.verify(answer.unchanged);
      const { version } = answer.unchanged;
      return { available: false, version, current, downloadBytes: 0, ...this.about(verified) };
    }
    const { verified } = answer.moved;
    const cached = new Set(await this.cache.list());
    const needed = uniqueFiles(this.select(verified, options.precisions)).filter(
      (f) => !cached.has(f.sha256),
    );
    return {
      available: true,
      version: verified.manifest.version,
      current,
      downloadBytes: needed.reduce((n, f) => n + f.bytes, 0),
      ...this.about(verified),
    };
  }

  /**
   * Installs the channel's newest version now: downloads what the cache lacks, verifies every file, then makes
   * it current (the old current becomes previous). Status `"current"` when it already is.
   * @throws on any failure; the device's versions and cache stay as they were.
   */
  async install(options: StoreInstallOptions = {}): Promise<StoreLoadResult> {
    const record = await this.readRecord();
    const answer = await this.askChannel(record, options);
    if ("unchanged" in answer) return this.open(answer.unchanged, "current", undefined, options);
    return this.installVerified(record, answer.moved, options);
  }

  /**
   * Makes the previous version current again, from the cache, with no request (and the current one previous,
   * so a second rollback goes forward again). Note that a later `load({ update: "auto" })` installs the
   * channel's newest version again.
   * @throws NoPreviousVersionError when there is no previous version or its files are not all cached.
   */
  async rollback(options: StoreInstallOptions = {}): Promise<StoreLoadResult> {
    const record = await this.readRecord();
    const previous = record?.previous;
    if (!record || !previous) throw this.noPrevious("this device holds only one version of it, or none");
    const verified = await this.verify(previous);
    const files = this.select(verified, options.precisions);
    const cached = new Set(await this.cache.list());
    const missing = files.filter((f) => !cached.has(f.sha256)).map((f) => f.name);
    if (missing.length > 0) {
      const which = `${missing.join(", ")} ${missing.length === 1 ? "is" : "are"}`;
      throw this.noPrevious(
        `${which} of version ${previous.version} no longer in the ${this.cache.kind} cache`,
      );
    }
    let bundle: ModelBundle;
    try {
      bundle = await this.fetchBundle(verified, files, previous.channel, options, { offline: true });
    } catch (error) {
      if (error instanceof CancelledError) throw error;
      throw this.noPrevious(`the cached files of version ${previous.version} did not verify`, error);
    }
    await this.writeRecord({ current: previous, previous: record.current });
    this.emit("update", { from: record.current.version, to: previous.version });
    return this.result(bundle, verified, previous.channel, "rolled-back", undefined);
  }

  /**
   * The versions the device holds (current first), from the records and the cache; no network. A version whose
   * envelope no longer verifies (say, its key is no longer trusted) is left out with a warning.
   */
  async versions(options: { precisions?: readonly Precision[] } = {}): Promise<CachedVersion[]> {
    const record = await this.readRecord();
    const cached = new Set(await this.cache.list());
    const slots = [
      ["current", record?.current],
      ["previous", record?.previous],
    ] as const;
    const out: CachedVersion[] = [];
    for (const [slot, entry] of slots) {
      const verified = entry && (await this.verify(entry).catch((error: unknown) => void this.warn(error)));
      if (!entry || !verified) continue;
      let needed: ManifestFile[] | undefined;
      try {
        needed = this.select(verified, options.precisions);
      } catch {
        needed = undefined; // no usable file for some role: it cannot open, so it is not complete
      }
      const held = uniqueFiles(verified.manifest.files).filter((f) => cached.has(f.sha256));
      out.push({
        slot,
        version: entry.version,
        channel: entry.channel,
        bytes: held.reduce((n, f) => n + f.bytes, 0),
        complete: needed !== undefined && needed.every((f) => cached.has(f.sha256)),
        manifestSha256: entry.manifestSha256,
        created: verified.manifest.created,
        signedBy: this.signer(verified),
      });
    }
    return out;
  }

  /**
   * Forgets every version of every model from this store's API origin and deletes their files; files that a
   * store of another origin sharing the cache still uses stay, and so do that store's records.
   */
  async clear(): Promise<void> {
    const origin = new URL(this.api).origin;
    const keys = (await readStoreKeys(this.cache)).filter((k) => recordKeyOrigin(k) === origin);
    await forgetStores(this.cache, [...new Set([this.recordKey, ...keys])]);
    await deleteUnreferenced(this.cache);
  }

  /** GETs the channel manifest (with the ETag when the current version came from this channel) and verifies it. */
  private async askChannel(
    record: DeviceRecord | undefined,
    options: { signal?: AbortSignal },
  ): Promise<ChannelAnswer> {
    const url = channelManifestUrl(this.api, this.channel);
    const etag = record?.current.channel === this.channel ? record.current.etag : undefined;
    const response = await requestManifest(url, { ...this.requestOptions(options), etag });
    if (response.status === 304) {
      if (!record) throw new ModelError(`${url} answered 304 to a request without If-None-Match.`);
      return { unchanged: record.current };
    }
    const verified = await verifyManifest(response.body, this.keys, this.model);
    if (verified.manifestSha256 !== record?.current.manifestSha256)
      return { moved: { envelope: response.body, etag: response.etag, verified } };
    // The same version from this channel now: follow it, so the next request can be a 304.
    const current = { ...record.current, channel: this.channel, etag: response.etag };
    if (current.channel !== record.current.channel || current.etag !== record.current.etag)
      await this.writeRecord({ ...record, current });
    return { unchanged: current };
  }

  private requestOptions(options: { signal?: AbortSignal }) {
    return {
      fetch: this.fetchImpl,
      signal: options.signal,
      retries: this.retries,
      backoffMs: this.backoffMs,
    };
  }

  /** Downloads and verifies `fresh`, then switches to it; on failure drops the files it left and throws. */
  private async installVerified(
    record: DeviceRecord | undefined,
    fresh: ChannelManifest,
    options: StoreInstallOptions,
  ): Promise<StoreLoadResult> {
    const files = this.select(fresh.verified, options.precisions);
    let bundle: ModelBundle;
    try {
      bundle = await this.fetchBundle(fresh.verified, files, this.channel, options);
    } catch (error) {
      const fetched = files.map((f) => f.sha256);
      await deleteUnreferenced(this.cache, fetched).catch(() => undefined);
      throw error;
    }
    const { manifest, manifestSha256 } = fresh.verified;
    const current = { envelope: fresh.envelope, etag: fresh.etag, manifestSha256, version: manifest.version };
    // Writing the record is the switch: until here the old version is current, from here the new one.
    await this.writeRecord({ current: { ...current, channel: this.channel }, previous: record?.current });
    await deleteUnreferenced(this.cache).catch((error: unknown) => this.warn(error, "Pruning the cache"));
    this.emit("update", { from: record?.current.version, to: manifest.version });
    return this.result(bundle, fresh.verified, this.channel, "installed", undefined);
  }

  private async fallBack(
    record: DeviceRecord | undefined,
    error: unknown,
    options: StoreLoadOptions,
  ): Promise<StoreLoadResult> {
    if (error instanceof CancelledError || !record) throw error;
    const wrapped = this.warn(error);
    const status = wrapped.name === "DownloadError" ? "offline" : "kept-previous";
    return this.open(record.current, status, wrapped, options);
  }

  /** Re-verifies the stored envelope (a local edit must not pass either) and loads its files. */
  private async open(
    entry: InstalledVersion,
    status: UpdateStatus,
    error: ModelError | undefined,
    options: StoreInstallOptions,
  ): Promise<StoreLoadResult> {
    const verified = await this.verify(entry);
    const files = this.select(verified, options.precisions);
    const bundle = await this.fetchBundle(verified, files, entry.channel, options);
    return this.result(bundle, verified, entry.channel, status, error);
  }

  private verify(entry: InstalledVersion): Promise<VerifiedManifest> {
    return verifyManifest(entry.envelope, this.keys, this.model);
  }

  private select(verified: VerifiedManifest, precisions: readonly Precision[] | undefined): ManifestFile[] {
    return selectFiles(verified.manifest.files, this.roles, precisions ?? precisionPreference(false));
  }

  /** The files' verified bytes, from the cache or (unless `offline`) the API, as a bundle. */
  private async fetchBundle(
    verified: VerifiedManifest,
    files: readonly ManifestFile[],
    channel: string,
    options: StoreInstallOptions,
    { offline = false } = {},
  ): Promise<ModelBundle> {
    await this.reportStorage(files.reduce((n, f) => n + f.bytes, 0));
    const fetched = await fetchFiles(files, {
      api: this.api,
      cache: this.cache,
      fetch: offline ? refuseNetwork : this.fetchImpl,
      retries: offline ? 0 : this.retries,
      backoffMs: this.backoffMs,
      signal: options.signal,
      onProgress: options.onProgress,
      onWarning: (warning) => this.emit("warning", warning),
    });
    return assembleBundle(fetched, verified.manifest, channelManifestUrl(this.api, channel));
  }

  private async reportStorage(needed: number): Promise<void> {
    if (this.storageChecked || this.cache.kind !== "cache-api") return;
    this.storageChecked = true;
    const status = await checkStorage();
    this.emit("storage", status);
    const shortfall = quotaShortfall(status, needed);
    if (shortfall) this.emit("warning", shortfall);
  }

  private result(
    bundle: ModelBundle,
    verified: VerifiedManifest,
    channel: string,
    status: UpdateStatus,
    error: ModelError | undefined,
  ): StoreLoadResult {
    const { version } = verified.manifest;
    return { bundle, status, error, version, channel, signedBy: this.signer(verified) };
  }

  private about(verified: VerifiedManifest): { manifest: Manifest; signedBy: SignedBy } {
    return { manifest: verified.manifest, signedBy: this.signer(verified) };
  }

  private signer(verified: VerifiedManifest): SignedBy {
    const key = this.keys.find((k) => k.keyId === verified.keyId);
    return { keyId: verified.keyId, label: key?.label ?? "", development: key?.development ?? false };
  }

  private noPrevious(reason: string, cause?: unknown): NoPreviousVersionError {
    return new NoPreviousVersionError(this.model, new URL(this.api).origin, reason, { cause });
  }

  /** Emits `error` as a warning (wrapped in a ModelError when it is not one) and returns it. */
  private warn(error: unknown, doing?: string): ModelError {
    const wrapped =
      error instanceof ModelError
        ? error
        : new ModelError(`${doing ?? "The model store"} failed: ${String(error)}`, { cause: error });
    this.emit("warning", wrapped);
    return wrapped;
  }

  private readRecord(): Promise<DeviceRecord | undefined> {
    return readDeviceRecord(this.cache, {
      api: this.api,
      model: this.model,
      channel: this.channel,
      onWarning: (warning) => this.emit("warning", warning),
    });
  }

  private writeRecord(record: DeviceRecord): Promise<void> {
    return writeDeviceRecord(this.cache, this.recordKey, record);
  }
}

/** Files by SHA-256, each once (two roles may share bytes). */
function uniqueFiles<T extends { sha256: string }>(files: readonly T[]): T[] {
  return [...new Map(files.map((f) => [f.sha256, f])).values()];
}

/** The fetch of a rollback: everything must come from the cache. */
const refuseNetwork: typeof fetch = async (input) => {
  throw new TypeError(`a rollback makes no network request (asked for ${String(input)})`);
};
