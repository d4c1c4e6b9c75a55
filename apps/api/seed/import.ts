// Seed import: POSTs seed.ndjson with its PNGs to `${API_URL}/v1/admin/import` in batches of 100, retrying
// 429 and 5xx answers. Safe to re-run: the route ignores images and captions it already has.
// Usage: API_URL=http://127.0.0.1:8787 ADMIN_TOKEN=... node seed/run.mjs seed/import.ts [--from-batch N]
import { join } from "node:path";
import { ImportRequestError, SeedOptionError } from "./errors";
import { ImageStore } from "./image-store";
import { toImportBatches } from "./import-batches";
import { readSeedFile } from "./seed-file";
import type { ImportBatch, SeedItem, SeedItemWithImage } from "./types";

/** Options of {@link importSeed} and {@link postBatch}. */
export interface ImportOptions {
  /** API origin, e.g. `http://127.0.0.1:8787` (no trailing path). */
  apiUrl: string;
  adminToken: string;
  /** Attempts per batch before giving up. Default 6. */
  maxAttempts?: number;
  /** First retry delay; doubles each attempt, capped at 30 s, unless the answer has `Retry-After`. Default 500. */
  baseDelayMs?: number;
  /** Batches to skip, to resume a run that stopped part way. Default 0. */
  fromBatch?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  log?: (line: string) => void;
}

const retryable = (status: number): boolean => status === 429 || status >= 500;

function retryDelay(response: Response | undefined, attempt: number, baseDelayMs: number): number {
  const header = response?.headers.get("retry-after");
  const seconds = header === null || header === undefined ? Number.NaN : Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, 60_000);
  return Math.min(baseDelayMs * 2 ** (attempt - 1), 30_000);
}

/** POSTs one batch, retrying network errors, 429 and 5xx; returns the parsed JSON answer (or null). */
export async function postBatch(batch: ImportBatch, options: ImportOptions): Promise<unknown> {
  const doFetch = options.fetch ?? fetch;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const maxAttempts = options.maxAttempts ?? 6;
  const url = `${options.apiUrl.replace(/\/+$/, "")}/v1/admin/import`;
  let last = "";
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    let response: Response | undefined;
    try {
      response = await doFetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${options.adminToken}` },
        body: JSON.stringify(batch),
      });
    } catch (cause) {
      last = `network error: ${String(cause)}`;
    }
    if (response?.ok) return response.status === 204 ? null : await response.json().catch(() => null);
    if (response !== undefined) {
      const body = (await response.text().catch(() => "")).slice(0, 300);
      last = `HTTP ${response.status}: ${body}`;
      if (!retryable(response.status)) {
        throw new ImportRequestError(
          `POST ${url} answered ${last}; fix the request or token, then re-run`,
          response.status,
        );
      }
    }
    if (attempt < maxAttempts) await sleep(retryDelay(response, attempt, options.baseDelayMs ?? 500));
  }
  throw new ImportRequestError(
    `POST ${url} still failing after ${maxAttempts} attempts (${last}); re-run later, the import is idempotent`,
    Number(/^HTTP (\d+)/.exec(last)?.[1] ?? 0),
  );
}

/** Imports items batch by batch, in order; returns how many batches and items were sent. */
export async function importSeed(
  items: Iterable<SeedItemWithImage>,
  options: ImportOptions,
): Promise<{ batches: number; items: number }> {
  const from = options.fromBatch ?? 0;
  let batches = 0;
  let sent = 0;
  for (const batch of toImportBatches(items)) {
    if (batches++ < from) continue;
    await postBatch(batch, options);
    sent += batch.items.length;
    if (batches % 20 === 0) options.log?.(`imported ${batches} batches (${sent} items)`);
  }
  return { batches: batches - from, items: sent };
}

function* withImages(items: readonly SeedItem[], store: ImageStore): Generator<SeedItemWithImage> {
  for (const item of items) yield { ...item, png: store.read(item.sha256) };
}

/** CLI entry: reads API_URL and ADMIN_TOKEN from the environment, `--from-batch N` from the arguments. */
export async function main(context: { seedDir: string; argv: string[] }): Promise<void> {
  const apiUrl = process.env.API_URL;
  const adminToken = process.env.ADMIN_TOKEN;
  if (!apiUrl || !adminToken) {
    throw new SeedOptionError(
      "API_URL and ADMIN_TOKEN must be set, e.g. API_URL=http://127.0.0.1:8787 ADMIN_TOKEN=<admin token>",
    );
  }
  const fromIndex = context.argv.indexOf("--from-batch");
  const fromBatch = fromIndex >= 0 ? Number(context.argv[fromIndex + 1]) : 0;
  if (!Number.isInteger(fromBatch) || fromBatch < 0) {
    throw new SeedOptionError(`--from-batch ${context.argv[fromIndex + 1]} is not a whole number >= 0`);
  }
  const cacheDir = join(context.seedDir, ".cache");
  const items = readSeedFile(join(cacheDir, "seed.ndjson"));
  const store = new ImageStore(join(cacheDir, "images"));
  const log = (line: string): void => console.log(line);
  const result = await importSeed(withImages(items, store), { apiUrl, adminToken, fromBatch, log });
  console.log(`imported ${result.items} items in ${result.batches} batches to ${apiUrl}`);
}
