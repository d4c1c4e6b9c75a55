// GET a channel's signed manifest, cheaply: `If-None-Match` with the ETag held, so an unchanged channel costs
// one small 304. Network errors, 5xx, 408 and 429 are retried with exponential backoff.
import { CancelledError, DownloadError } from "../errors";

/** The answer to a manifest request. */
export type ManifestResponse =
  | { readonly status: 304 }
  | { readonly status: 200; readonly body: unknown; readonly etag: string | undefined };

/** Options of {@link requestManifest}. */
export interface ManifestRequestOptions {
  fetch: typeof fetch;
  etag?: string | undefined;
  signal?: AbortSignal | undefined;
  retries: number;
  backoffMs: number;
}

/** The manifest route of `channel` on the API at `api`. */
export function channelManifestUrl(api: string | URL, channel: string): string {
  const base = String(api).endsWith("/") ? String(api) : `${String(api)}/`;
  return new URL(`v1/models/channels/${encodeURIComponent(channel)}/manifest`, base).toString();
}

/** GETs a manifest route. @throws DownloadError after the retries, CancelledError on abort. */
export async function requestManifest(
  url: string,
  options: ManifestRequestOptions,
): Promise<ManifestResponse> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (options.etag) headers["if-none-match"] = options.etag;
  let last: DownloadError | undefined;
  for (let attempt = 0; attempt <= options.retries; attempt++) {
    if (attempt > 0) await delay(options.backoffMs * 2 ** (attempt - 1), options.signal);
    let response: Response;
    try {
      response = await options.fetch(url, { headers, signal: options.signal ?? null });
    } catch (error) {
      if (options.signal?.aborted) throw new CancelledError("Fetching the manifest");
      last = new DownloadError(url, undefined, error instanceof Error ? error.message : String(error), {
        cause: error,
      });
      continue;
    }
    if (response.status === 304) return { status: 304 };
    if (response.ok) {
      try {
        return { status: 200, body: await response.json(), etag: response.headers.get("etag") ?? undefined };
      } catch (error) {
        last = new DownloadError(url, 200, `the body is not JSON (${String(error)})`);
        continue;
      }
    }
    const detail = await response.text().catch(() => "");
    last = new DownloadError(url, response.status, `HTTP ${response.status} ${detail.slice(0, 200)}`.trim());
    if (![408, 429].includes(response.status) && response.status < 500) throw last;
  }
  throw last ?? new DownloadError(url, undefined, "no attempt was made");
}

function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted) return Promise.reject(new CancelledError("Fetching the manifest"));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(new CancelledError("Fetching the manifest"));
      },
      { once: true },
    );
  });
}
