// Browser storage housekeeping: ask for persistent storage (so the browser does not evict weights under
// pressure) and estimate the free quota before a download, so a full disk is reported, not discovered by
// re-downloading on every visit. Both are no-ops where navigator.storage is missing (Node).
import { QuotaError } from "../errors";

/** What the browser said about storage. */
export interface StorageStatus {
  /** Persistent storage granted (undefined: not asked or not supported). */
  readonly persisted: boolean | undefined;
  /** Bytes used and allowed for this origin, when the browser says. */
  readonly usage: number | undefined;
  readonly quota: number | undefined;
}

interface StorageManagerLike {
  persist?(): Promise<boolean>;
  persisted?(): Promise<boolean>;
  estimate?(): Promise<{ usage?: number; quota?: number }>;
}

function storageManager(): StorageManagerLike | undefined {
  return (globalThis.navigator as { storage?: StorageManagerLike } | undefined)?.storage;
}

/** Asks for persistent storage (once granted, it stays) and reads the quota estimate. */
export async function checkStorage(): Promise<StorageStatus> {
  const storage = storageManager();
  if (!storage) return { persisted: undefined, usage: undefined, quota: undefined };
  let persisted: boolean | undefined;
  try {
    persisted = (await storage.persisted?.()) || (await storage.persist?.());
  } catch {
    persisted = undefined;
  }
  const estimate = await storage.estimate?.().catch(() => undefined);
  return { persisted, usage: estimate?.usage, quota: estimate?.quota };
}

/** A QuotaError when `needed` bytes will clearly not fit, else undefined. */
export function quotaShortfall(status: StorageStatus, needed: number): QuotaError | undefined {
  if (status.quota === undefined || status.usage === undefined) return undefined;
  const available = status.quota - status.usage;
  return needed > available ? new QuotaError(needed, available) : undefined;
}

/** Whether `error` is the platform's "storage is full" error (DOMException QuotaExceededError, ENOSPC). */
export function isQuotaExceeded(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { name, code } = error as { name?: unknown; code?: unknown };
  return name === "QuotaExceededError" || code === 22 || code === "ENOSPC" || code === "EDQUOT";
}
