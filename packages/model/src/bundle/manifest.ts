// The signed manifest a channel serves (docs/manifest-format.md §1, §4): its types, and the checks a client
// makes on the shape of every field before it trusts any of them.
import { BundleFormatError } from "../errors";
import type { JsonValue } from "./canonical-json";

/** `format` of every manifest this client understands. */
export const MANIFEST_FORMAT = "commonspace-manifest/1";

/** Roles a bundle file can have (docs/manifest-format.md §1). */
export type BundleRole =
  | "vq-encoder"
  | "vq-decoder"
  | "gpt-step"
  | "gpt-prefill"
  | "clip-text"
  | "clip-image"
  | "tokenizer"
  | "card"
  | "samples"
  | "samples-heldout"
  | "readme"
  | "config"
  | "embeddings"
  | "licence";

/** How an ONNX file stores its weights and computes. */
export type Precision = "fp32" | "fp16" | "fp16-weights" | "int8" | "int8-weights";

/** One file of a manifest. */
export interface ManifestFile {
  readonly name: string;
  /** The role; unknown roles of newer publishers are kept as strings and ignored by the runtime. */
  readonly role: BundleRole | (string & {});
  readonly bytes: number;
  /** 64 lower-case hex characters. */
  readonly sha256: string;
  readonly precision?: Precision;
  /** Where the bytes are, relative to the API origin. */
  readonly url: string;
}

/** A verified public manifest. */
export interface Manifest {
  readonly format: typeof MANIFEST_FORMAT;
  readonly model: string;
  readonly version: string;
  readonly created: string;
  readonly files: readonly ManifestFile[];
  readonly metrics: { readonly [name: string]: JsonValue };
  readonly card?: { readonly [name: string]: JsonValue };
}

/** The envelope the manifest routes answer with. */
export interface SignedManifest {
  readonly key_id: string;
  readonly manifest: Manifest;
  readonly signature: string;
}

const MODEL_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const VERSION = /^[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}$/;
const FILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const SHA256 = /^[0-9a-f]{64}$/;
const PRECISIONS = new Set(["fp32", "fp16", "fp16-weights", "int8", "int8-weights"]);

/** Whether `value` names a precision a manifest or card may give a file. */
export function isPrecision(value: unknown): value is Precision {
  return PRECISIONS.has(value as string);
}

/** Checks the envelope's shape (not its signature): `{ key_id, manifest, signature }` of the right types. */
export function parseEnvelope(value: unknown): { keyId: string; manifest: JsonValue; signature: string } {
  const envelope = record(value, "envelope");
  const keyId = envelope["key_id"];
  const signature = envelope["signature"];
  if (typeof keyId !== "string" || !/^[0-9a-f]{16}$/.test(keyId)) {
    throw new BundleFormatError("envelope.key_id", keyId, "16 lower-case hex characters");
  }
  if (typeof signature !== "string") throw new BundleFormatError("envelope.signature", signature, "base64");
  record(envelope["manifest"], "envelope.manifest");
  return { keyId, manifest: envelope["manifest"] as JsonValue, signature };
}

/**
 * Validates a manifest (after its signature verified): format, the expected model, and every file entry.
 * @throws BundleFormatError naming the first bad field.
 */
export function validateManifest(value: JsonValue, expectedModel: string): Manifest {
  const m = record(value, "manifest");
  if (m["format"] !== MANIFEST_FORMAT)
    throw new BundleFormatError("manifest.format", m["format"], MANIFEST_FORMAT);
  check(m, "model", (v) => typeof v === "string" && MODEL_NAME.test(v), "a model name");
  if (m["model"] !== expectedModel) {
    throw new BundleFormatError(
      "manifest.model",
      m["model"],
      `"${expectedModel}" (the model this client asked for)`,
    );
  }
  check(m, "version", (v) => typeof v === "string" && VERSION.test(v), "a version string");
  check(m, "created", (v) => typeof v === "string" && !Number.isNaN(Date.parse(v)), "an ISO 8601 time");
  if (!Array.isArray(m["files"])) throw new BundleFormatError("manifest.files", m["files"], "an array");
  m["files"].forEach((file, i) => validateFile(file, `manifest.files[${i}]`));
  record(m["metrics"], "manifest.metrics");
  if (m["card"] !== undefined) record(m["card"], "manifest.card");
  return m as unknown as Manifest;
}

function validateFile(value: unknown, at: string): void {
  const f = record(value, at);
  const okName = (v: unknown): boolean => typeof v === "string" && FILE_NAME.test(v) && !v.includes("..");
  check(f, "name", okName, "one path segment", at);
  check(f, "role", (v) => typeof v === "string" && v.length > 0, "a role", at);
  check(f, "bytes", (v) => Number.isSafeInteger(v) && (v as number) >= 0, "a byte count", at);
  check(f, "sha256", (v) => typeof v === "string" && SHA256.test(v), "64 lower-case hex characters", at);
  check(f, "url", (v) => typeof v === "string" && v.length > 0, "a URL", at);
  if (f["precision"] !== undefined) check(f, "precision", isPrecision, "a precision", at);
}

function record(value: unknown, at: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new BundleFormatError(at, value, "a JSON object");
  }
  return value as Record<string, unknown>;
}

function check(
  obj: Record<string, unknown>,
  key: string,
  ok: (value: unknown) => boolean,
  expected: string,
  at = "manifest",
): void {
  if (!ok(obj[key])) throw new BundleFormatError(`${at}.${key}`, obj[key], expected);
}
