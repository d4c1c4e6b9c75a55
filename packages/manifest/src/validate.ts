/**
 * The checks on every manifest shape, with no dependencies so the browser runtime carries them for free: the
 * upload manifest the API accepts (strict: known roles, known fields, size limits), the public manifest a client
 * accepts after its signature verified (lenient about roles and fields newer publishers may add), and the
 * envelope around it. Each throws a {@link ManifestFormatError} naming the first bad field.
 */
import type { JsonValue } from "./canonical-json";
import {
  FILE_NAME_PATTERN,
  KEY_ID_PATTERN,
  MANIFEST_FORMAT,
  MAX_FILE_BYTES,
  MAX_FILES,
  MAX_JSON_KEY_LENGTH,
  MAX_TOTAL_BYTES,
  MODEL_NAME_PATTERN,
  SHA256_HEX_PATTERN,
  VERSION_PATTERN,
  type Manifest,
  type UploadManifest,
} from "./format";
import { BUNDLE_ROLES, isBundleRole, isPrecision } from "./roles";

/** A manifest field is missing or malformed: `field` (a path like `files[0].role`) held `found`. */
export class ManifestFormatError extends Error {
  override readonly name = "ManifestFormatError";
  constructor(
    readonly field: string,
    readonly found: unknown,
    readonly expected: string,
  ) {
    super(`${field} is ${describeValue(found)}, expected ${expected}.`);
  }
}

type Fields = Record<string, unknown>;
type Rule = readonly [ok: (value: unknown) => boolean, expected: string];

const isString = (v: unknown): v is string => typeof v === "string";
const RULES = {
  model: [(v) => isString(v) && MODEL_NAME_PATTERN.test(v), "a model name: [a-z0-9][a-z0-9._-]{0,63}"],
  version: [(v) => isString(v) && VERSION_PATTERN.test(v), "a version: [0-9A-Za-z][0-9A-Za-z.+_-]{0,63}"],
  fileName: [
    (v) => isString(v) && FILE_NAME_PATTERN.test(v),
    "one path segment of ≤ 128 [A-Za-z0-9._-], no '..'",
  ],
  sha256: [(v) => isString(v) && SHA256_HEX_PATTERN.test(v), "64 lower-case hex characters"],
  precision: [isPrecision, "one of fp32, fp16, fp16-weights, int8, int8-weights"],
} satisfies Record<string, Rule>;

/** Validates the `manifest` part of `POST /v1/admin/models`; fills in `metrics: {}` when absent. */
export function parseUploadManifest(value: unknown): UploadManifest {
  const m = record(value, "manifest");
  onlyKeys(m, ["name", "version", "files", "metrics", "card"], "");
  check(m, "name", RULES.model, "");
  check(m, "version", RULES.version, "");
  const files = m["files"];
  if (!Array.isArray(files) || files.length < 1 || files.length > MAX_FILES) {
    throw new ManifestFormatError("files", files, `an array of 1 to ${MAX_FILES} files`);
  }
  files.forEach((file, i) => checkUploadFile(file, `files[${i}]`));
  const names = files.map((f: Fields) => f["name"]);
  const repeated = names.find((name, i) => names.indexOf(name) !== i);
  if (repeated !== undefined) throw new ManifestFormatError("files[].name", repeated, "unique file names");
  const total = files.reduce((n: number, f: Fields) => n + (f["bytes"] as number), 0);
  if (total > MAX_TOTAL_BYTES) {
    throw new ManifestFormatError("files[].bytes", total, `a total of at most ${MAX_TOTAL_BYTES} bytes`);
  }
  const upload = { ...m, metrics: m["metrics"] === undefined ? {} : jsonObject(m["metrics"], "metrics") };
  if (m["card"] !== undefined) jsonObject(m["card"], "card");
  return upload as unknown as UploadManifest;
}

function checkUploadFile(value: unknown, at: string): void {
  const f = record(value, at);
  onlyKeys(f, ["name", "role", "sha256", "bytes", "precision"], at);
  check(f, "name", RULES.fileName, at);
  check(f, "role", [isBundleRole, `one of ${BUNDLE_ROLES.join(", ")}`], at);
  check(f, "sha256", RULES.sha256, at);
  const size = (v: unknown) =>
    Number.isSafeInteger(v) && (v as number) >= 0 && (v as number) <= MAX_FILE_BYTES;
  check(f, "bytes", [size, `a whole number of bytes from 0 to ${MAX_FILE_BYTES}`], at);
  if (f["precision"] !== undefined) check(f, "precision", RULES.precision, at);
}

/**
 * Validates a public manifest (after its signature verified): the format, the model (`expectedModel` when
 * given) and every file entry. Unknown roles and fields are accepted: a newer publisher may add them.
 */
export function validateManifest(value: unknown, expectedModel?: string): Manifest {
  const m = record(value, "manifest");
  if (m["format"] !== MANIFEST_FORMAT)
    throw new ManifestFormatError("manifest.format", m["format"], MANIFEST_FORMAT);
  check(m, "model", RULES.model, "manifest");
  if (expectedModel !== undefined && m["model"] !== expectedModel) {
    const expected = `"${expectedModel}" (the model this client asked for)`;
    throw new ManifestFormatError("manifest.model", m["model"], expected);
  }
  check(m, "version", RULES.version, "manifest");
  check(m, "created", [(v) => isString(v) && !Number.isNaN(Date.parse(v)), "an ISO 8601 time"], "manifest");
  if (!Array.isArray(m["files"])) throw new ManifestFormatError("manifest.files", m["files"], "an array");
  m["files"].forEach((file, i) => checkPublicFile(file, `manifest.files[${i}]`));
  record(m["metrics"], "manifest.metrics");
  if (m["card"] !== undefined) record(m["card"], "manifest.card");
  return m as unknown as Manifest;
}

function checkPublicFile(value: unknown, at: string): void {
  const f = record(value, at);
  const nonEmpty = (v: unknown) => isString(v) && v.length > 0;
  check(f, "name", RULES.fileName, at);
  check(f, "role", [nonEmpty, "a role"], at);
  check(f, "bytes", [(v) => Number.isSafeInteger(v) && (v as number) >= 0, "a byte count"], at);
  check(f, "sha256", RULES.sha256, at);
  check(f, "url", [nonEmpty, "a URL"], at);
  if (f["precision"] !== undefined) check(f, "precision", RULES.precision, at);
}

/** Checks an envelope's shape (not its signature): `{ key_id, manifest, signature }` of the right types. */
export function parseEnvelope(value: unknown): { keyId: string; manifest: JsonValue; signature: string } {
  const envelope = record(value, "envelope");
  const keyId = envelope["key_id"];
  const signature = envelope["signature"];
  if (!isString(keyId) || !KEY_ID_PATTERN.test(keyId)) {
    throw new ManifestFormatError("envelope.key_id", keyId, "16 lower-case hex characters");
  }
  if (!isString(signature)) throw new ManifestFormatError("envelope.signature", signature, "base64");
  record(envelope["manifest"], "envelope.manifest");
  return { keyId, manifest: envelope["manifest"] as JsonValue, signature };
}

function record(value: unknown, at: string): Fields {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ManifestFormatError(at, value, "a JSON object");
  }
  return value as Fields;
}

/** Throws unless `obj[key]` passes `rule`; `at` is the path of `obj` ("" at the top of an upload). */
function check(obj: Fields, key: string, [ok, expected]: Rule, at: string): void {
  if (!ok(obj[key])) throw new ManifestFormatError(at ? `${at}.${key}` : key, obj[key], expected);
}

function onlyKeys(obj: Fields, allowed: readonly string[], at: string): void {
  const extra = Object.keys(obj).find((key) => !allowed.includes(key));
  if (extra !== undefined) {
    const field = at ? `${at}.${extra}` : extra;
    throw new ManifestFormatError(field, obj[extra], `no such field (allowed: ${allowed.join(", ")})`);
  }
}

/** A JSON object (as `JSON.parse` makes) whose keys are at most {@link MAX_JSON_KEY_LENGTH} long. */
function jsonObject(value: unknown, at: string): Record<string, JsonValue> {
  const obj = record(value, at);
  const long = Object.keys(obj).find((key) => key.length > MAX_JSON_KEY_LENGTH);
  if (long !== undefined)
    throw new ManifestFormatError(`${at} key`, long, `at most ${MAX_JSON_KEY_LENGTH} characters`);
  return obj as Record<string, JsonValue>;
}

/** A short description of a bad value for error messages: a string (cut at 80), a number, "an array of 3", "an object". */
export function describeValue(value: unknown): string {
  if (typeof value === "string")
    return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (value === undefined || value === null || typeof value !== "object") return String(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return "an object";
}
