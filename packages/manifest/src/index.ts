// Public API of @commonspace/manifest: the model manifest written once for the API, the browser runtime and
// (through roles.json) the publish script and the trainer. Pure: no I/O, no dependencies, WebCrypto only.
export { canonicalJson, canonicalJsonBytes, CanonicalJsonError } from "./canonical-json";
export type { JsonValue } from "./canonical-json";
export { fromBase64, sha256Hex, toBase64, toHex } from "./encoding";
export {
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
} from "./format";
export type { Manifest, ManifestFile, SignedManifest, UploadFileEntry, UploadManifest } from "./format";
export { DEV_MANIFEST_KEY, isRevoked, keyIdFor, PRODUCTION_MANIFEST_KEYS, REVOKED_KEY_IDS } from "./keys";
export type { TrustedKey } from "./keys";
export {
  BUNDLE_ROLES,
  EXTRA_ROLES,
  isBundleRole,
  isPrecision,
  OPTIONAL_ROLES,
  PRECISIONS,
  ROLE_KINDS,
  RUNTIME_ROLES,
} from "./roles";
export type { BundleRole, Precision, RoleKind } from "./roles";
export {
  describeValue,
  ManifestFormatError,
  parseEnvelope,
  parseUploadManifest,
  validateManifest,
} from "./validate";
export { ManifestSignatureError, verifyEd25519, verifySignedManifest } from "./verify";
export type { SignatureProblem, VerifiedManifest, VerifyOptions } from "./verify";
