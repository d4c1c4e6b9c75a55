// Gets the verified bytes of a manifest's files: from the cache when it holds them (re-hashed, since disks and
// browser caches can corrupt), otherwise downloaded, verified and only then cached. Reports progress per file
// and in total, and storage-full failures as warnings, never by silently downloading again.
import { sha256Hex, type BundleRole, type ManifestFile } from "@commonspace/manifest";
import { CancelledError, ModelError, QuotaError } from "../errors";
import type { BundleFile } from "./bundle";
import type { BlobCache } from "./cache";
import { downloadVerified } from "./download";

/** Download progress, for a progress bar. */
export interface BundleProgress {
  /** The file being loaded now. */
  readonly file: string;
  readonly role: string;
  /** Bytes of this file so far, and its size. */
  readonly loaded: number;
  readonly total: number;
  /** Bytes of every file so far (cached files count as loaded), and the bundle's size. */
  readonly totalLoaded: number;
  readonly totalBytes: number;
  /** This file came from the cache: nothing was downloaded. */
  readonly fromCache: boolean;
}

/** Options of {@link fetchFiles}. */
export interface FetchFilesOptions {
  readonly api: string | URL;
  readonly cache: BlobCache;
  readonly fetch: typeof fetch;
  readonly retries: number;
  readonly backoffMs: number;
  readonly signal?: AbortSignal | undefined;
  readonly onProgress?: ((progress: BundleProgress) => void) | undefined;
  /** Storage problems that do not stop loading (the file is used from memory). */
  readonly onWarning: (error: ModelError) => void;
}

/** The bytes of `files`, verified; downloads only what the cache lacks. */
export async function fetchFiles(
  files: readonly ManifestFile[],
  options: FetchFilesOptions,
): Promise<BundleFile[]> {
  const totalBytes = files.reduce((n, f) => n + f.bytes, 0);
  let done = 0;
  const out: BundleFile[] = [];
  for (const file of files) {
    if (options.signal?.aborted) throw new CancelledError("Loading the model");
    const report = (loaded: number, fromCache: boolean): void =>
      options.onProgress?.({
        file: file.name,
        role: file.role,
        loaded,
        total: file.bytes,
        totalLoaded: done + loaded,
        totalBytes,
        fromCache,
      });
    let bytes = await readCached(options.cache, file);
    if (bytes) report(file.bytes, true);
    else {
      report(0, false);
      bytes = await downloadVerified(
        {
          url: new URL(file.url, options.api).toString(),
          name: file.name,
          bytes: file.bytes,
          sha256: file.sha256,
        },
        { ...options, onBytes: (loaded) => report(loaded, false) },
      );
      await storeVerified(options, file, bytes);
    }
    done += file.bytes;
    out.push({
      name: file.name,
      role: file.role as BundleRole,
      sha256: file.sha256,
      precision: file.precision,
      bytes,
    });
  }
  return out;
}

async function readCached(cache: BlobCache, file: ManifestFile): Promise<Uint8Array | undefined> {
  const bytes = await cache.get(file.sha256).catch(() => undefined);
  if (!bytes) return undefined;
  if (bytes.length === file.bytes && (await sha256Hex(bytes)) === file.sha256) return bytes;
  await cache.delete(file.sha256).catch(() => undefined);
  return undefined;
}

async function storeVerified(
  options: FetchFilesOptions,
  file: ManifestFile,
  bytes: Uint8Array,
): Promise<void> {
  try {
    await options.cache.put(file.sha256, bytes);
  } catch (error) {
    if (error instanceof QuotaError) options.onWarning(error);
    else {
      const why = `Could not cache ${file.name} in the ${options.cache.kind} cache (${String(error)})`;
      options.onWarning(new ModelError(`${why}; it is used from memory and downloaded again next time.`));
    }
  }
}
