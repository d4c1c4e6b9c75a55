/**
 * How a client verifies a signed manifest (docs/manifest-format.md §5): the key id must name a trusted key that
 * is not revoked, Ed25519 (WebCrypto) must verify over the canonical bytes of `manifest`, and only then are the
 * manifest's own fields checked. Nothing in a manifest may be used before this passes.
 */
import { canonicalJsonBytes } from "./canonical-json";
import { fromBase64, sha256Hex } from "./encoding";
import type { Manifest } from "./format";
import { isRevoked, REVOKED_KEY_IDS, type TrustedKey } from "./keys";
import { parseEnvelope, validateManifest } from "./validate";

const ED25519 = { name: "Ed25519" } as const;

/** Why a signed manifest was refused: `untrusted`, `revoked` or `invalid` (does not verify). */
export type SignatureProblem = "untrusted" | "revoked" | "invalid";

/** The manifest's key is unknown or revoked, or its signature does not verify. */
export class ManifestSignatureError extends Error {
  override readonly name = "ManifestSignatureError";
  constructor(
    readonly problem: SignatureProblem,
    readonly keyId: string,
    message: string,
  ) {
    super(message);
  }
}

/** A manifest whose signature verified, the key that verified it, and the hash that is also its ETag. */
export interface VerifiedManifest {
  readonly manifest: Manifest;
  readonly keyId: string;
  /** The trusted key that verified the signature (`key.development`: say so to the user). */
  readonly key: TrustedKey;
  /** SHA-256 (hex) of the canonical manifest bytes: the manifest's identity and ETag. */
  readonly manifestSha256: string;
}

/** Options of {@link verifySignedManifest}. */
export interface VerifyOptions {
  /** Refuse a manifest for any other model. */
  model?: string;
  /** Key ids refused whatever `keys` says (default {@link REVOKED_KEY_IDS}). */
  revokedKeyIds?: readonly string[];
}

/** Ed25519 over `bytes` with a raw public key; false for a malformed key or signature, never a throw. */
export async function verifyEd25519(
  publicKey: string,
  signature: string,
  bytes: Uint8Array,
): Promise<boolean> {
  const raw = fromBase64(publicKey);
  const sig = fromBase64(signature);
  if (!raw || raw.length !== 32 || !sig || sig.length !== 64) return false;
  const key = await crypto.subtle.importKey("raw", raw, ED25519, false, ["verify"]);
  return crypto.subtle.verify(ED25519, key, sig, bytes as Uint8Array<ArrayBuffer>);
}

/**
 * Verifies `envelope` (the parsed JSON body of a manifest route) with `keys`.
 * @throws ManifestSignatureError for an unknown or revoked key id, or a signature that does not verify.
 * @throws ManifestFormatError when the envelope or the manifest is malformed or names another model.
 */
export async function verifySignedManifest(
  envelope: unknown,
  keys: readonly TrustedKey[],
  options: VerifyOptions = {},
): Promise<VerifiedManifest> {
  const { keyId, manifest, signature } = parseEnvelope(envelope);
  const key = trustedKey(keyId, keys, options.revokedKeyIds ?? REVOKED_KEY_IDS);
  const bytes = canonicalJsonBytes(manifest);
  if (!(await verifyEd25519(key.publicKey, signature, bytes))) {
    throw new ManifestSignatureError(
      "invalid",
      keyId,
      `The manifest's signature does not verify with key ${keyId} (${key.label}): the manifest was changed ` +
        "after signing or signed by another key. It was refused; the previous model version stays active.",
    );
  }
  return {
    manifest: validateManifest(manifest, options.model),
    keyId,
    key,
    manifestSha256: await sha256Hex(bytes),
  };
}

function trustedKey(keyId: string, keys: readonly TrustedKey[], revokedIds: readonly string[]): TrustedKey {
  const key = keys.find((k) => k.keyId === keyId);
  if (isRevoked(key ?? keyId, revokedIds)) {
    throw new ManifestSignatureError(
      "revoked",
      keyId,
      `The manifest is signed by key ${keyId}${key ? ` (${key.label})` : ""}, which was revoked: nothing it ` +
        "signs is trusted. It was refused; the previous model version stays active. Republish the version " +
        "with the current signing key.",
    );
  }
  if (!key) {
    const known = keys.map((k) => k.keyId).join(", ") || "none";
    throw new ManifestSignatureError(
      "untrusted",
      keyId,
      `The manifest is signed by key ${keyId}, which this client does not trust (trusted: ${known}). Add ` +
        "its public key to PRODUCTION_MANIFEST_KEYS in packages/manifest/src/keys.ts, or pass trustedKeys.",
    );
  }
  return key;
}
