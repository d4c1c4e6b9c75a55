// What one device holds of one model from one API origin: the `current` version and the `previous` one (kept so
// a rollback needs no download), each with its signed envelope. One record per (origin, model), whatever channel
// a version came from. Records of the older per-channel format ("active:<origin>:<model>:<channel>") are
// migrated on first read: the one of the store's channel (else any of the same origin and model) becomes
// `current`; the others are dropped and their files pruned at the next install.
import { ModelError } from "../errors";
import type { BlobCache } from "./cache";
import { forgetStores, readStoreKeys, registerStore } from "./shared-cache";

/** One installed version of a model, as recorded on the device. */
export interface InstalledVersion {
  /** The signed envelope as the API sent it; re-verified every time it is used. */
  readonly envelope: unknown;
  /** The channel manifest's ETag when it was installed (sent only when following the same channel). */
  readonly etag: string | undefined;
  readonly manifestSha256: string;
  readonly version: string;
  /** The channel it was installed from. */
  readonly channel: string;
}

/** The device's versions of one model from one origin. */
export interface DeviceRecord {
  readonly current: InstalledVersion;
  readonly previous: InstalledVersion | undefined;
}

/** The record key of `model` from the origin of `api`. */
export function deviceRecordKey(api: string, model: string): string {
  return `device:${new URL(api).origin}:${model}`;
}

/** The origin a record key (new or legacy) belongs to. Model and channel names hold no ':'. */
export function recordKeyOrigin(key: string): string | undefined {
  const parts = key.split(":");
  if (parts[0] === "device" && parts.length >= 3) return parts.slice(1, -1).join(":");
  if (parts[0] === "active" && parts.length >= 4) return parts.slice(1, -2).join(":");
  return undefined;
}

/** Options of {@link readDeviceRecord}. */
export interface ReadRecordOptions {
  readonly api: string;
  readonly model: string;
  /** The store's channel: its legacy record is the one migrated first. */
  readonly channel: string;
  readonly onWarning: (warning: ModelError) => void;
}

/** Reads the device record, migrating legacy per-channel records when there is none. */
export async function readDeviceRecord(
  cache: BlobCache,
  options: ReadRecordOptions,
): Promise<DeviceRecord | undefined> {
  const key = deviceRecordKey(options.api, options.model);
  const text = await cache.readRecord(key).catch(() => undefined);
  if (text) {
    const record = parseDeviceRecord(text);
    if (record) return record;
    options.onWarning(new ModelError(`The cached record ${key} is not a device record; it was ignored.`));
    return undefined;
  }
  return migrateLegacy(cache, key, options);
}

/** Writes the device record and registers it among the stores sharing the cache (for pruning). */
export async function writeDeviceRecord(cache: BlobCache, key: string, record: DeviceRecord): Promise<void> {
  await cache.writeRecord(key, JSON.stringify(record));
  await registerStore(cache, key);
}

function parseDeviceRecord(text: string): DeviceRecord | undefined {
  try {
    const value = JSON.parse(text) as Partial<DeviceRecord>;
    if (!isInstalledVersion(value.current)) return undefined;
    return {
      current: value.current,
      previous: isInstalledVersion(value.previous) ? value.previous : undefined,
    };
  } catch {
    return undefined;
  }
}

function isInstalledVersion(value: unknown): value is InstalledVersion {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    "envelope" in v &&
    typeof v["manifestSha256"] === "string" &&
    typeof v["version"] === "string" &&
    typeof v["channel"] === "string" &&
    (v["etag"] === undefined || typeof v["etag"] === "string")
  );
}

interface LegacyRecord {
  envelope: unknown;
  etag?: string;
  manifestSha256: string;
  version: string;
}

async function migrateLegacy(
  cache: BlobCache,
  key: string,
  options: ReadRecordOptions,
): Promise<DeviceRecord | undefined> {
  const prefix = `active:${new URL(options.api).origin}:${options.model}:`;
  const own = `${prefix}${options.channel}`;
  const legacy = [own, ...(await readStoreKeys(cache)).filter((k) => k.startsWith(prefix) && k !== own)];
  let record: DeviceRecord | undefined;
  const found: string[] = [];
  for (const legacyKey of legacy) {
    const text = await cache.readRecord(legacyKey).catch(() => undefined);
    if (!text) continue;
    found.push(legacyKey);
    if (record) continue;
    try {
      const { envelope, etag, manifestSha256, version } = JSON.parse(text) as LegacyRecord;
      if (typeof manifestSha256 !== "string" || typeof version !== "string") continue;
      const channel = legacyKey.slice(prefix.length);
      record = { current: { envelope, etag, manifestSha256, version, channel }, previous: undefined };
    } catch {
      options.onWarning(new ModelError(`The cached record ${legacyKey} is not JSON; it was dropped.`));
    }
  }
  if (record) await writeDeviceRecord(cache, key, record);
  if (found.length > 0) await forgetStores(cache, found);
  return record;
}
