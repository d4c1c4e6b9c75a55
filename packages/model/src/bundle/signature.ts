// Verifies a signed manifest envelope (docs/manifest-format.md §5): trusted key id, Ed25519 over the canonical
// bytes of `manifest` (WebCrypto), then the manifest's own fields. Nothing in a manifest is used before this.
import { SignatureError } from "../errors";
import { canonicalJsonBytes } from "./canonical-json";
import { fromBase64, sha256Hex } from "./encoding";
import type { TrustedKey } from "./keys";
import { parseEnvelope, validateManifest, type Manifest } from "./manifest";

/** A manifest whose signature verified, with the hash that is also its ETag. */
export interface VerifiedManifest {
  readonly manifest: Manifest;
  readonly keyId: string;
  /** SHA-256 (hex) of the canonical manifest bytes: the manifest's identity and ETag. */
  readonly manifestSha256: string;
}

/**
 * Verifies `envelope` (the parsed JSON body of a manifest route) with `keys`.
 * @throws SignatureError for an unknown key id or a signature that does not verify.
 * @throws BundleFormatError when the envelope or the manifest is malformed or names another model.
 */
export async function verifyManifest(
  envelope: unknown,
  keys: readonly TrustedKey[],
  expectedModel: string,
): Promise<VerifiedManifest> {
  const { keyId, manifest, signature } = parseEnvelope(envelope);
  const key = keys.find((k) => k.keyId === keyId);
  if (!key) {
    const known = keys.map((k) => k.keyId).join(", ") || "none";
    throw new SignatureError(
      `The manifest is signed by key ${keyId}, which this client does not trust (trusted: ${known}). ` +
        "Add the key to packages/model/src/bundle/keys.ts, or pass trustedKeys.",
    );
  }
  const bytes = canonicalJsonBytes(manifest);
  const raw = fromBase64(key.publicKey);
  const sig = fromBase64(signature);
  let ok = false;
  if (raw && sig && sig.length === 64) {
    const ed25519 = { name: "Ed25519" };
    const publicKey = await crypto.subtle.importKey("raw", raw as Uint8Array<ArrayBuffer>, ed25519, false, [
      "verify",
    ]);
    ok = await crypto.subtle.verify(
      ed25519,
      publicKey,
      sig as Uint8Array<ArrayBuffer>,
      bytes as Uint8Array<ArrayBuffer>,
    );
  }
  if (!ok) {
    throw new SignatureError(
      `The manifest's signature does not verify with key ${keyId} (${key.label}): the manifest was changed ` +
        "after signing or signed by another key. It was refused; the previous model version stays active.",
    );
  }
  return {
    manifest: validateManifest(manifest, expectedModel),
    keyId,
    manifestSha256: await sha256Hex(bytes),
  };
}
