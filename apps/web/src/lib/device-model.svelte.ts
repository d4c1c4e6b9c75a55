// The model on this device, for every page: the page's one model client (the model runs in a worker), the
// channel this device follows (kept in localStorage), whether updates install by themselves (off unless the
// person opts in), the version in use and who signed it, a newer version on the channel (for the notice on
// every page), download progress, and the Models page's actions: install, roll back, clear. Pages never run a
// model themselves; they ask the client.
import {
  CancelledError,
  DownloadError,
  getModelClient,
  type BackendInfo,
  type BundleProgress,
  type CachedVersion,
  type LoadedModel,
  type ModelClient,
  type ModelError,
  type SignedBy,
} from "@commonspace/model/client";
import { API_URL } from "./api";

/** The channels a device can follow. */
export const DEVICE_CHANNELS = ["stable", "beta"] as const;
export type DeviceChannel = (typeof DEVICE_CHANNELS)[number];

/** One file's download progress. */
export interface FileProgress {
  readonly name: string;
  readonly loaded: number;
  readonly total: number;
  readonly fromCache: boolean;
}

/** A newer version on the device's channel. */
export interface AvailableUpdate {
  readonly version: string;
  readonly downloadBytes: number;
  readonly channel: DeviceChannel;
}

const CHANNEL_KEY = "commonspace.channel";
/** The version last seen active on this device: pages that do not need the model load it only when one is cached. */
const VERSION_KEY = "commonspace.deviceVersion";
const AUTO_KEY = "commonspace.autoUpdate";
/** wasm threads for the model worker ("auto", or a number; the benchmark sets 1 and 2). */
export const THREADS_KEY = "commonspace.wasmThreads";
/** How often a page re-asks the API whether the channel moved (ms). */
export const UPDATE_CHECK_MS = 10 * 60_000;

function stored(key: string): string | null {
  return typeof localStorage === "undefined" ? null : localStorage.getItem(key);
}

function threadSetting(): number | "auto" {
  const value = Number(stored(THREADS_KEY));
  return Number.isInteger(value) && value >= 1 && value <= 16 ? value : "auto";
}

/** The device's model; one per tab ({@link deviceModel}). */
export class DeviceModel {
  channel: DeviceChannel = $state("stable");
  autoUpdate = $state(false);
  loaded: LoadedModel<ModelError> | undefined = $state();
  backend: BackendInfo | undefined = $state();
  update: AvailableUpdate | undefined = $state();
  /** Why the channel's newest version was not offered (it did not verify), from the last check. */
  refusedUpdate: string | undefined = $state();
  /** The last check could not reach the API (offline, or the API is down). */
  unreachable: string | undefined = $state();
  /** A download (first load or install) is running. */
  downloading = $state(false);
  files: FileProgress[] = $state([]);
  totalLoaded = $state(0);
  totalBytes = $state(0);
  /** Bytes that came from the network (not the cache) in the last load or install. */
  downloaded = $state(0);
  warnings: string[] = $state([]);

  readonly client: ModelClient;
  private loading: Promise<LoadedModel<ModelError>> | undefined;
  private checking: Promise<AvailableUpdate | undefined> | undefined;

  constructor(client?: ModelClient) {
    const channel = stored(CHANNEL_KEY);
    this.channel = channel === "beta" ? "beta" : "stable";
    this.autoUpdate = stored(AUTO_KEY) === "true";
    this.client = client ?? getModelClient({ threads: threadSetting() });
    this.client.on("model", (loaded) => this.remember(loaded));
    this.client.on("backend", (info) => (this.backend = info));
    this.client.on("warning", (warning) => this.warn(warning.message));
  }

  /** A version is cached on this device (as far as this browser remembers; no network, no worker). */
  get hasCachedVersion(): boolean {
    return stored(VERSION_KEY) !== null;
  }

  get version(): string | undefined {
    return this.loaded?.version;
  }

  get signedBy(): SignedBy | undefined {
    return this.loaded?.signedBy;
  }

  /**
   * The device's model, loaded once per tab: the cached version with no network request (whatever channel it
   * came from), or on a first visit the channel's newest version. With automatic updates on, the channel's
   * newest is installed too. Then the channel is asked (one small request) whether it moved.
   */
  ready(signal?: AbortSignal): Promise<LoadedModel<ModelError>> {
    this.loading ??= this.download(() =>
      this.client.load(
        { api: API_URL, channel: this.channel },
        {
          update: this.autoUpdate ? "auto" : "manual",
          onProgress: (p) => this.progress(p),
          ...(signal && { signal }),
        },
      ),
    );
    const loading = this.loading;
    loading.then(
      (loaded) => {
        this.remember(loaded);
        void this.checkForUpdate();
      },
      () => {
        if (this.loading === loading) this.loading = undefined;
      },
    );
    return loading;
  }

  /**
   * Asks the channel whether it has a newer version; sets {@link update}. Never throws: offline is normal, and
   * a version that does not verify (signature, format) is not offered but shown as a warning.
   */
  checkForUpdate(): Promise<AvailableUpdate | undefined> {
    // One request at a time: the load's own check, a page's and the notice's timer may ask together.
    this.checking ??= this.askForUpdate().finally(() => (this.checking = undefined));
    return this.checking;
  }

  private async askForUpdate(): Promise<AvailableUpdate | undefined> {
    this.refusedUpdate = this.unreachable = undefined;
    try {
      const check = await this.client.checkForUpdate();
      this.update = check.available
        ? { version: check.version, downloadBytes: check.downloadBytes, channel: this.channel }
        : undefined;
    } catch (error) {
      this.update = undefined;
      if (error instanceof DownloadError) this.unreachable = messageOf(error);
      else if (!(error instanceof CancelledError)) {
        const keeps = this.version ?? "its version";
        this.refusedUpdate = `The newest version on ${this.channel} was refused; this device keeps ${keeps}: ${messageOf(error)}`;
        this.warn(this.refusedUpdate);
      }
    }
    return this.update;
  }

  /** Downloads, verifies and switches to the channel's newest version. @throws what refused it (the current version stays). */
  async install(): Promise<LoadedModel<ModelError>> {
    await this.ready();
    const loaded = await this.download(() => this.client.install({ onProgress: (p) => this.progress(p) }));
    this.remember(loaded);
    this.update = undefined;
    return loaded;
  }

  /** Goes back to the previous version on this device (no download). @throws NoPreviousVersionError */
  async rollback(): Promise<LoadedModel<ModelError>> {
    await this.ready();
    const loaded = await this.client.rollback();
    this.remember(loaded);
    void this.checkForUpdate();
    return loaded;
  }

  /** Follows another channel from now on (persisted); the version in use stays until the person installs. */
  async setChannel(channel: DeviceChannel): Promise<void> {
    this.channel = channel;
    localStorage.setItem(CHANNEL_KEY, channel);
    this.loading = undefined;
    await this.ready();
  }

  /** Turns automatic updates on or off (persisted); turning them on installs a waiting update. */
  async setAutoUpdate(on: boolean): Promise<void> {
    this.autoUpdate = on;
    localStorage.setItem(AUTO_KEY, String(on));
    if (on && this.update) await this.install();
  }

  /** The versions this device holds. */
  versions(): Promise<CachedVersion[]> {
    return this.client.versions();
  }

  /** Deletes every cached version; the next use downloads again. */
  async clear(): Promise<void> {
    await this.client.clear();
    localStorage.removeItem(VERSION_KEY);
    this.loading = undefined;
    this.loaded = undefined;
    this.update = undefined;
  }

  private remember(loaded: LoadedModel<ModelError>): void {
    this.loaded = loaded;
    localStorage.setItem(VERSION_KEY, loaded.version);
  }

  private async download<T>(run: () => Promise<T>): Promise<T> {
    this.downloading = true;
    this.files = [];
    this.totalLoaded = this.totalBytes = this.downloaded = 0;
    try {
      const result = await run();
      this.backend = await this.client.backend();
      return result;
    } finally {
      this.downloading = false;
    }
  }

  private progress(p: BundleProgress): void {
    const entry: FileProgress = { name: p.file, loaded: p.loaded, total: p.total, fromCache: p.fromCache };
    const at = this.files.findIndex((f) => f.name === p.file);
    const before = at < 0 ? 0 : (this.files[at]?.loaded ?? 0);
    if (!p.fromCache) this.downloaded += Math.max(0, p.loaded - before);
    if (at < 0) this.files = [...this.files, entry];
    else this.files[at] = entry;
    this.totalLoaded = p.totalLoaded;
    this.totalBytes = p.totalBytes;
  }

  private warn(message: string): void {
    if (!this.warnings.includes(message)) this.warnings = [...this.warnings, message];
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

let instance: DeviceModel | undefined;

/** The tab's device model (created on first use, in the browser). */
export function deviceModel(): DeviceModel {
  instance ??= new DeviceModel();
  return instance;
}
