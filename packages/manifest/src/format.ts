/**
 * The shapes of model distribution (docs/manifest-format.md §1, §4, §7): the manifest a publisher uploads, the
 * public manifest the API builds from it and signs, and the signed envelope clients fetch; with the patterns
 * and limits every field is checked against, so the docs, the API and the runtime agree.
 */
import type { JsonValue } from "./canonical-json";
import type { BundleRole, Precision } from "./roles";

/** Identifies the public manifest's format; bumped only on an incompatible change. */
export const MANIFEST_FORMAT = "commonspace-manifest/1";

/** A model name, e.g. `commonspace-mini`: lower-case letters, digits, `.`, `_`, `-`; at most 64. */
export const MODEL_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;
/** A version string, e.g. `2026.11.28-1` or `1.2.0+fp16`: letters, digits, `.`, `+`, `_`, `-`; at most 64. */
export const VERSION_PATTERN = /^[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}$/;
/** A file name is one path segment: no separators, no `..`, no leading dot, no control characters; ≤ 128. */
export const FILE_NAME_PATTERN = /^(?!.*\.\.)[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
/** Lower-case SHA-256 hex: a file's content address, and the only shape a file URL parameter may take. */
export const SHA256_HEX_PATTERN = /^[0-9a-f]{64}$/;
/** A key id: the first 16 lower-case hex characters of the SHA-256 of the raw public key. */
export const KEY_ID_PATTERN = /^[0-9a-f]{16}$/;

/** Largest single model file accepted by a publish. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;
/** Largest sum of file sizes in one publish; below the 100 MB request-body limit of Workers Free/Pro plans. */
export const MAX_TOTAL_BYTES = 96 * 1024 * 1024;
/** Most files in one version. */
export const MAX_FILES = 32;
/** Longest key of a `metrics` or `card` object. */
export const MAX_JSON_KEY_LENGTH = 128;

/** One file of an upload manifest (the `manifest` part of `POST /v1/admin/models`). */
export interface UploadFileEntry {
  name: string;
  role: BundleRole;
  sha256: string;
  bytes: number;
  precision?: Precision;
}

/** A validated upload manifest; `metrics` defaults to `{}`. */
export interface UploadManifest {
  name: string;
  version: string;
  files: UploadFileEntry[];
  metrics: Record<string, JsonValue>;
  card?: Record<string, JsonValue>;
}

/** One file of the public manifest. */
export interface ManifestFile {
  readonly name: string;
  /** The role; unknown roles of newer publishers are kept as strings, and the runtime ignores them. */
  readonly role: BundleRole | (string & {});
  readonly bytes: number;
  /** 64 lower-case hex characters. */
  readonly sha256: string;
  /** Present when the publisher gave it (ONNX files). */
  readonly precision?: Precision;
  /** Where the bytes are, relative to the API origin: `/v1/models/files/<sha256>`. */
  readonly url: string;
}

/** The public, signed manifest of one model version. */
export interface Manifest {
  readonly format: typeof MANIFEST_FORMAT;
  readonly model: string;
  readonly version: string;
  /** ISO 8601 UTC time the version was published. */
  readonly created: string;
  readonly files: readonly ManifestFile[];
  readonly metrics: { readonly [name: string]: JsonValue };
  readonly card?: { readonly [name: string]: JsonValue };
}

/** What the manifest routes answer: the manifest, an Ed25519 signature over its canonical bytes, the key id. */
export interface SignedManifest {
  readonly key_id: string;
  readonly manifest: Manifest;
  /** Standard base64 Ed25519 signature over `canonicalJsonBytes(manifest)`. */
  readonly signature: string;
}
