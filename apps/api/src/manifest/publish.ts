/**
 * Publishing a model version (`POST /v1/admin/models`): read the `manifest` part, stream every file part to
 * R2 by SHA-256 while checking it, then sign the public manifest and record the version and its files in
 * one D1 batch. Until that batch commits nothing about the version is visible (file routes also require a
 * recorded version), and on any failure the R2 objects this request created are deleted again.
 */
import {
  ManifestFormatError,
  MAX_FILES,
  MAX_TOTAL_BYTES,
  parseUploadManifest,
  sha256Hex,
  type SignedManifest,
  type UploadManifest,
} from "@commonspace/manifest";
import type { Env } from "../env";
import { ApiError } from "../errors";
import {
  MultipartError,
  boundaryFromContentType,
  readPartText,
  streamMultipart,
} from "../http/multipart-stream";
import type { StreamedPart } from "../http/multipart-stream";
import { buildManifest } from "./build-manifest";
import { MAX_MANIFEST_PART_BYTES } from "./schema";
import { type ManifestSigner, SigningKeyError, manifestSigner, signManifest } from "./signing";
import { checkSigningKey } from "./signing-policy";
import { findVersion, recordVersionStatements } from "./store";
import { storeModelFile } from "./upload";

/** What a successful publish returns. */
export interface PublishResult {
  envelope: SignedManifest;
  manifestSha256: string;
}

type Parts = AsyncGenerator<StreamedPart, void, undefined>;

/** Largest publish body: every file at its cap, the manifest part, and room for part headers. */
export const MAX_PUBLISH_BODY_BYTES = MAX_TOTAL_BYTES + MAX_MANIFEST_PART_BYTES + 64 * 1024;

/** Refuses by Content-Length before reading; a body without one is bounded by the per-file checks. */
function checkDeclaredLength(request: Request): void {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > MAX_PUBLISH_BODY_BYTES) {
    throw new ApiError(
      413,
      "payload_too_large",
      `A publish body may be at most ${MAX_PUBLISH_BODY_BYTES} bytes.`,
    );
  }
}

async function readUploadManifest(parts: Parts): Promise<UploadManifest> {
  const first = await parts.next();
  if (first.done || first.value.name !== "manifest") {
    throw new ApiError(400, "manifest_first", 'The first multipart part must be the "manifest" JSON.');
  }
  let json: unknown;
  try {
    json = JSON.parse(await readPartText(first.value, MAX_MANIFEST_PART_BYTES));
  } catch (err) {
    if (err instanceof MultipartError) throw err;
    throw new ApiError(400, "invalid_manifest", `The manifest part is not JSON: ${String(err)}`);
  }
  try {
    return parseUploadManifest(json);
  } catch (err) {
    if (err instanceof ManifestFormatError)
      throw new ApiError(400, "invalid_manifest", `Invalid manifest: ${err.message}`);
    throw err;
  }
}

/** SHA-256s of the manifest's files that a published version already records (their R2 objects stay). */
async function publishedFiles(db: D1Database, upload: UploadManifest): Promise<Set<string>> {
  const { results } = await db
    .prepare("SELECT DISTINCT sha256 FROM model_files WHERE sha256 IN (SELECT value FROM json_each(?))")
    .bind(JSON.stringify(upload.files.map((f) => f.sha256)))
    .all<{ sha256: string }>();
  return new Set(results.map((row) => row.sha256));
}

/** Streams each file part to R2; pushes the keys it created onto `created` as it goes. */
async function receiveFiles(parts: Parts, upload: UploadManifest, env: Env, created: string[]) {
  const pending = new Map(upload.files.map((f) => [f.name, f]));
  // Only a file a published version records is reused as it is: any other object might be an orphan the
  // sweep is about to delete, so it is written again, which refreshes its upload time.
  const published = await publishedFiles(env.DB, upload);
  for await (const part of parts) {
    const entry = pending.get(part.name);
    if (!entry) {
      throw new ApiError(
        422,
        "unexpected_part",
        `Part "${part.name}" is not a file of the manifest, or is repeated.`,
      );
    }
    pending.delete(part.name);
    const stored = await storeModelFile(env.BUCKET, part.body, entry, { reuse: published.has(entry.sha256) });
    if (stored.created) created.push(stored.key);
  }
  if (pending.size > 0) {
    throw new ApiError(422, "missing_file", `No part uploaded for: ${[...pending.keys()].join(", ")}.`);
  }
}

async function recordVersion(
  env: Env,
  signer: ManifestSigner,
  upload: UploadManifest,
  now: Date,
): Promise<PublishResult> {
  const { envelope, canonical } = await signManifest(buildManifest(upload, now.toISOString()), signer);
  const manifestSha256 = await sha256Hex(canonical);
  try {
    await env.DB.batch(recordVersionStatements(env.DB, { envelope, canonical, manifestSha256 }));
  } catch (err) {
    if (/UNIQUE constraint failed/i.test(String(err))) throw duplicate(upload);
    throw err;
  }
  return { envelope, manifestSha256 };
}

function duplicate(upload: UploadManifest): ApiError {
  return new ApiError(
    409,
    "version_exists",
    `Version ${upload.name}@${upload.version} is already published.`,
  );
}

async function publishParts(
  env: Env,
  signer: ManifestSigner,
  parts: Parts,
  now: Date,
): Promise<PublishResult> {
  const upload = await readUploadManifest(parts);
  if (await findVersion(env.DB, upload.name, upload.version)) throw duplicate(upload);
  const created: string[] = [];
  try {
    await receiveFiles(parts, upload, env, created);
    return await recordVersion(env, signer, upload, now);
  } catch (err) {
    await Promise.all(created.map((key) => env.BUCKET.delete(key).catch(() => undefined)));
    throw err;
  }
}

/**
 * Publishes the version carried by a multipart `request` (see docs/manifest-format.md). Throws `ApiError`:
 * 400 malformed, 409 duplicate version, 422 a file that does not match the manifest, 500 a signing key that is
 * unusable or may not sign here (the server's configuration, not the request, is at fault).
 */
export async function publishVersion(
  env: Env,
  request: Request,
  now: Date = new Date(),
): Promise<PublishResult> {
  try {
    // Fail before reading any bytes (so before storing any) when the signing key is unusable or not allowed.
    const signer = await manifestSigner(env.MANIFEST_SIGNING_KEY);
    checkSigningKey(signer.keyId, env.ENVIRONMENT);
    checkDeclaredLength(request);
    const boundary = boundaryFromContentType(request.headers.get("content-type"));
    if (!request.body) throw new MultipartError("The request has no body.");
    const parts = streamMultipart(request.body, boundary, { maxParts: MAX_FILES + 1 });
    try {
      return await publishParts(env, signer, parts, now);
    } finally {
      await parts.return(undefined);
    }
  } catch (err) {
    if (err instanceof MultipartError) throw new ApiError(400, "invalid_multipart", err.message);
    if (err instanceof SigningKeyError) throw new ApiError(500, err.code, err.message);
    throw err;
  }
}
