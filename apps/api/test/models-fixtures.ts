// Shared helpers for the model distribution tests: the test signing key's public half, multipart publish
// requests built with FormData, and snapshots of D1 and R2 to prove a refused request changed nothing.
import { sha256Hex, type TrustedKey } from "@commonspace/manifest";
import { env, exports } from "cloudflare:workers";

/** Public half of the test-only MANIFEST_SIGNING_KEY set in vitest.config.ts. */
export const TEST_PUBLIC_KEY = "szNpFSixvLFsKf5yKcJzqBKx/6dyEnb+/kvyoUhXCSY=";
/** Key id of the test key: first 16 hex of SHA-256 of the raw public key. */
export const TEST_KEY_ID = "abe086b2827ef5db";
/** The test key as a client would trust it. */
export const TEST_KEY: TrustedKey = {
  keyId: TEST_KEY_ID,
  publicKey: TEST_PUBLIC_KEY,
  label: "test-only key (apps/api/vitest.config.ts)",
  development: true,
};
/** The admin bearer header for the test ADMIN_TOKEN. */
export const ADMIN = { Authorization: "Bearer test-admin-token" };

/** A file to publish: its manifest entry is derived from its bytes unless overridden. */
export interface FixtureFile {
  name: string;
  role: string;
  bytes: Uint8Array;
}

/** Options for {@link publishRequest}. */
export interface PublishOptions {
  name?: string;
  version: string;
  files: FixtureFile[];
  metrics?: Record<string, unknown>;
  /** Replaces fields of the derived manifest (e.g. a wrong sha256 for one file). */
  edit?: (manifest: Record<string, unknown> & { files: Record<string, unknown>[] }) => void;
  /** Parts to send instead of one per file, in this order. */
  parts?: { name: string; bytes: Uint8Array }[];
  headers?: Record<string, string>;
}

/** Calls the worker at `path`. */
export function api(path: string, init?: RequestInit): Promise<Response> {
  return exports.default.fetch(new Request(`http://api.test${path}`, init));
}

/** Deterministic pseudo-random bytes (xorshift), so files differ by seed without storing fixtures. */
export function fixtureBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed * 2654435761 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** A small file of `role` whose content depends on `seed`. */
export function fixtureFile(name: string, role: string, seed: number, length = 1000): FixtureFile {
  return { name, role, bytes: fixtureBytes(length, seed) };
}

/** Builds the manifest JSON a publisher would send for `options`. */
export async function uploadManifest(options: PublishOptions): Promise<Record<string, unknown>> {
  const files = await Promise.all(
    options.files.map(async (f) => ({
      name: f.name,
      role: f.role,
      sha256: await sha256Hex(f.bytes),
      bytes: f.bytes.length,
    })),
  );
  const manifest = {
    name: options.name ?? "commonspace-mini",
    version: options.version,
    files,
    metrics: options.metrics ?? {},
  };
  options.edit?.(manifest);
  return manifest;
}

/** A `POST /v1/admin/models` request: the manifest part, then one part per file (or `options.parts`). */
export async function publishRequest(options: PublishOptions): Promise<Request> {
  const form = new FormData();
  form.append("manifest", JSON.stringify(await uploadManifest(options)));
  const parts = options.parts ?? options.files.map((f) => ({ name: f.name, bytes: f.bytes }));
  for (const part of parts) form.append(part.name, new Blob([part.bytes]), part.name);
  return new Request("http://api.test/v1/admin/models", {
    method: "POST",
    body: form,
    headers: options.headers ?? ADMIN,
  });
}

/** Publishes through the worker and returns the response. */
export async function publish(options: PublishOptions): Promise<Response> {
  return exports.default.fetch(await publishRequest(options));
}

/** Everything a publish or a channel move could change: table row counts and the R2 keys under models/. */
export async function storageSnapshot(): Promise<{ counts: Record<string, number>; r2: string[] }> {
  const tables = ["model_versions", "model_files", "model_channels", "model_channel_history"];
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const row = await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table}`).first<{ n: number }>();
    counts[table] = row?.n ?? -1;
  }
  const listing = await env.BUCKET.list({ prefix: "models/" });
  return { counts, r2: listing.objects.map((o) => o.key).sort() };
}

/** Reads a JSON error body's code. */
export async function errorCode(res: Response): Promise<string> {
  const body = (await res.json()) as { error?: { code?: string; message?: string } };
  return body.error?.code ?? "<no error code>";
}
