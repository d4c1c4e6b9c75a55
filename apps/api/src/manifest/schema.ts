/**
 * The shapes of model distribution: the manifest an admin uploads with a publish request, the public
 * manifest the server builds from it and signs, and the signed envelope clients fetch. Limits live here too,
 * so the docs (docs/manifest-format.md) and the checks agree.
 */
import { z } from "zod";
import type { JsonValue } from "./canonical-json";

/** Identifies the public manifest's format; bumped only on an incompatible change. */
export const MANIFEST_FORMAT = "commonspace-manifest/1";
/** Largest single model file accepted by a publish. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;
/** Largest sum of file sizes in one publish; below the 100 MB request-body limit of Workers Free/Pro plans. */
export const MAX_TOTAL_BYTES = 96 * 1024 * 1024;
/** Most files in one version. */
export const MAX_FILES = 32;
/** Largest `manifest` part of a publish request. */
export const MAX_MANIFEST_PART_BYTES = 64 * 1024;

/**
 * Every file role a manifest may use: the roles of docs/bundle-format.md (the runtime finds files by role),
 * plus a few reserved for files we expect soon. fp32 / fp16 / int8 twins share a role and differ in `precision`.
 */
export const FILE_ROLES = [
  "vq-encoder",
  "vq-decoder",
  "gpt-step",
  "gpt-prefill",
  "clip-text",
  "clip-image",
  "tokenizer",
  "card",
  "samples",
  "samples-heldout",
  "readme",
  "config",
  "embeddings",
  "licence",
] as const;

/** Numeric precision of an ONNX file; `-weights` means weights stored at that precision and cast at load. */
export const FILE_PRECISIONS = ["fp32", "fp16", "fp16-weights", "int8", "int8-weights"] as const;

/** Lower-case SHA-256 hex; also the only shape a file URL parameter may take. */
export const SHA256_HEX = /^[0-9a-f]{64}$/;
const MODEL_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const VERSION = /^[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}$/;
// A file name is one path segment: no separators, no "..", no leading dot, no control characters.
const FILE_NAME = /^(?!.*\.\.)[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/** A model name, e.g. `commonspace-mini`. */
export const modelNameSchema = z
  .string()
  .regex(MODEL_NAME, "lower-case letters, digits, '.', '_', '-'; ≤ 64");
/** A version string, e.g. `2026.11.28-1` or `1.2.0+fp16`. */
export const versionSchema = z.string().regex(VERSION, "letters, digits, '.', '+', '_', '-'; ≤ 64");

const fileEntrySchema = z.strictObject({
  name: z.string().regex(FILE_NAME, "one path segment: letters, digits, '.', '_', '-', no '..'; ≤ 128"),
  role: z.enum(FILE_ROLES),
  sha256: z.string().regex(SHA256_HEX, "64 lower-case hex characters"),
  bytes: z.number().int().min(0).max(MAX_FILE_BYTES),
  precision: z.enum(FILE_PRECISIONS).optional(),
});

const jsonObjectSchema = z.record(z.string().max(128), z.json());

/** The `manifest` part of `POST /v1/admin/models`. */
export const uploadManifestSchema = z
  .strictObject({
    name: modelNameSchema,
    version: versionSchema,
    files: z.array(fileEntrySchema).min(1).max(MAX_FILES),
    metrics: jsonObjectSchema.default({}),
    card: jsonObjectSchema.optional(),
  })
  .refine((m) => new Set(m.files.map((f) => f.name)).size === m.files.length, "file names must be unique")
  .refine((m) => m.files.reduce((n, f) => n + f.bytes, 0) <= MAX_TOTAL_BYTES, {
    message: `files may total at most ${MAX_TOTAL_BYTES} bytes`,
  });

/** A validated upload manifest. */
export type UploadManifest = z.infer<typeof uploadManifestSchema>;
/** One file of a validated upload manifest. */
export type UploadFileEntry = UploadManifest["files"][number];

/** One file in the public manifest. */
export interface ManifestFile {
  name: string;
  role: (typeof FILE_ROLES)[number];
  bytes: number;
  sha256: string;
  /** Present when the publisher gave it (ONNX files). */
  precision?: (typeof FILE_PRECISIONS)[number];
  /** Path of the file's bytes on this API: `/v1/models/files/<sha256>`. */
  url: string;
}

/** The public, signed manifest of one model version. */
export interface PublicManifest {
  format: typeof MANIFEST_FORMAT;
  model: string;
  version: string;
  /** ISO 8601 UTC time the version was published. */
  created: string;
  files: ManifestFile[];
  metrics: Record<string, JsonValue>;
  card?: Record<string, JsonValue>;
}

/** What clients fetch: the manifest, an Ed25519 signature over its canonical bytes, and the key's id. */
export interface SignedManifest {
  manifest: PublicManifest;
  /** Base64 Ed25519 signature over `canonicalJsonBytes(manifest)`. */
  signature: string;
  key_id: string;
}
