// Downloads one file whose size and SHA-256 a signed manifest promises: streams it with progress, retries
// with exponential backoff, resumes an interrupted transfer with `Range` (guarded by `If-Range`, since a
// file's ETag is its SHA-256), and verifies the hash before returning. Bytes that fail are never returned.
import { sha256Hex } from "@commonspace/manifest";
import { CancelledError, DownloadError, IntegrityError } from "../errors";

/** What to download and what it must be. */
export interface DownloadTarget {
  readonly url: string;
  readonly name: string;
  readonly bytes: number;
  readonly sha256: string;
}

/** Options of {@link downloadVerified}. */
export interface DownloadOptions {
  fetch: typeof fetch;
  signal?: AbortSignal | undefined;
  /** Retries after the first attempt (default 4). */
  retries?: number;
  /** First backoff delay in ms; doubles each retry (default 500). */
  backoffMs?: number;
  /** Called with the bytes received so far (may go back to 0 when a server ignores Range). */
  onBytes?: (loaded: number) => void;
}

/** Fetches `target`, returning its verified bytes. @throws DownloadError, IntegrityError, CancelledError. */
export async function downloadVerified(
  target: DownloadTarget,
  options: DownloadOptions,
): Promise<Uint8Array> {
  const { retries = 4, backoffMs = 500, signal } = options;
  const buffer = new Uint8Array(target.bytes);
  const state = { received: 0 };
  let lastError: unknown;
  let restartedAfterMismatch = false;
  for (let attempt = 0; attempt <= retries; attempt++) {
    if (attempt > 0) await sleep(backoffMs * 2 ** (attempt - 1), signal, target.name);
    try {
      await fetchInto(target, buffer, state, options);
    } catch (error) {
      if (error instanceof CancelledError || error instanceof IntegrityError || isFatal(error)) throw error;
      if (statusOf(error) === 416) state.received = 0;
      lastError = error;
      continue;
    }
    if (state.received < target.bytes) {
      const detail = `the body ended after ${state.received} of ${target.bytes} bytes`;
      lastError = new DownloadError(target.url, undefined, detail);
      continue;
    }
    const sha256 = await sha256Hex(buffer);
    if (sha256 === target.sha256) return buffer;
    const mismatch = new IntegrityError(target.name, target, { sha256, bytes: state.received });
    // A resumed transfer may have stitched two different objects together: start over once before refusing.
    if (restartedAfterMismatch) throw mismatch;
    restartedAfterMismatch = true;
    state.received = 0;
    lastError = mismatch;
  }
  if (lastError instanceof IntegrityError) throw lastError;
  const detail =
    lastError instanceof DownloadError
      ? lastError.detail
      : lastError instanceof Error
        ? lastError.message
        : String(lastError);
  throw new DownloadError(
    target.url,
    statusOf(lastError),
    `${retries + 1} attempts failed, last: ${detail}`,
    {
      cause: lastError,
    },
  );
}

/**
 * One request: writes into `buffer` from `state.received` (or from 0 when the server answers 200 to a Range),
 * advancing `state.received` as bytes arrive, so a broken-off attempt leaves where to resume.
 */
async function fetchInto(
  target: DownloadTarget,
  buffer: Uint8Array,
  state: { received: number },
  options: DownloadOptions,
): Promise<void> {
  const from = state.received;
  const headers: Record<string, string> = {};
  if (from > 0) {
    headers["range"] = `bytes=${from}-`;
    headers["if-range"] = `"${target.sha256}"`;
  }
  let response: Response;
  try {
    response = await options.fetch(target.url, { headers, signal: options.signal ?? null });
  } catch (error) {
    if (options.signal?.aborted) throw new CancelledError(`Downloading ${target.name}`);
    throw error;
  }
  if (response.status === 200) state.received = 0;
  else if (response.status === 206) {
    const start = /^bytes (\d+)-/.exec(response.headers.get("content-range") ?? "")?.[1];
    if (Number(start) !== from) {
      await response.body?.cancel();
      state.received = 0;
      throw new DownloadError(target.url, 206, `the server resumed at byte ${start}, expected ${from}`);
    }
  } else {
    await response.body?.cancel();
    throw new DownloadError(
      target.url,
      response.status,
      `HTTP ${response.status} ${response.statusText}`.trim(),
    );
  }
  options.onBytes?.(state.received);
  if (!response.body) throw new DownloadError(target.url, response.status, "the response has no body");
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      const end = state.received + value.length;
      if (end > buffer.length) {
        const expected = { sha256: target.sha256, bytes: target.bytes };
        throw new IntegrityError(target.name, expected, { sha256: "(not computed: too long)", bytes: end });
      }
      buffer.set(value, state.received);
      state.received = end;
      options.onBytes?.(end);
    }
  } catch (error) {
    if (options.signal?.aborted) throw new CancelledError(`Downloading ${target.name}`);
    if (error instanceof IntegrityError) throw error;
    // What arrived stays in `buffer`; the next attempt resumes from `state.received`.
    throw new DownloadError(target.url, response.status, `the body broke off: ${String(error)}`);
  } finally {
    reader.releaseLock();
  }
}

/** 4xx other than 408 (timeout) and 429 (rate limit) will not get better by retrying. */
function isFatal(error: unknown): boolean {
  const status = statusOf(error);
  return status !== undefined && status >= 400 && status < 500 && ![408, 416, 429].includes(status);
}

function statusOf(error: unknown): number | undefined {
  return error instanceof DownloadError ? error.status : undefined;
}

function sleep(ms: number, signal: AbortSignal | undefined, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new CancelledError(`Downloading ${name}`));
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new CancelledError(`Downloading ${name}`));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
