/**
 * Ed25519 manifest signatures through WebCrypto (`crypto.subtle`, algorithm name "Ed25519", which workerd,
 * Node ≥ 20 and current browsers share). The private key is the MANIFEST_SIGNING_KEY secret: a PKCS#8 DER
 * key, base64. A key's id is the first 16 hex characters of the SHA-256 of its raw 32-byte public key.
 * Verifying is the clients' side and lives in @commonspace/manifest.
 */
import {
  canonicalJsonBytes,
  fromBase64,
  keyIdFor,
  toBase64,
  type JsonValue,
  type Manifest,
  type SignedManifest,
} from "@commonspace/manifest";
import { decodeBase64Url } from "../crypto/base64url";

const ED25519 = { name: "Ed25519" } as const;

/** Why the signing key cannot be used; also the API error code publish answers with. */
export type SigningKeyProblem =
  "signing_key_invalid" | "signing_key_is_development" | "signing_key_revoked" | "signing_key_not_trusted";

/** MANIFEST_SIGNING_KEY is missing, malformed, or may not sign here (see signing-policy.ts). */
export class SigningKeyError extends Error {
  override readonly name = "SigningKeyError";
  constructor(
    readonly code: SigningKeyProblem,
    message: string,
  ) {
    super(message);
  }
}

/** Signs manifests with one private key. */
export interface ManifestSigner {
  /** Id of the key, published with every signature so clients can pick the public key. */
  keyId: string;
  /** The raw 32-byte public key, base64. */
  publicKey: string;
  /** Base64 Ed25519 signature over `bytes`. */
  sign(bytes: Uint8Array): Promise<string>;
}

async function importSigner(pkcs8Base64: string): Promise<ManifestSigner> {
  let key: CryptoKey;
  try {
    const pkcs8 = fromBase64(pkcs8Base64.trim()) ?? new Uint8Array(0);
    key = await crypto.subtle.importKey("pkcs8", pkcs8, ED25519, true, ["sign"]);
  } catch (err) {
    throw new SigningKeyError(
      "signing_key_invalid",
      `MANIFEST_SIGNING_KEY is not a base64 PKCS#8 Ed25519 private key (${String(err)}); ` +
        "generate one with apps/api/scripts/gen-dev-signing-key.mjs.",
    );
  }
  // The private JWK carries the public key as `x` (base64url), so no second secret is needed.
  const jwk = (await crypto.subtle.exportKey("jwk", key)) as JsonWebKey;
  const raw = decodeBase64Url(jwk.x ?? "") ?? new Uint8Array(0);
  return {
    keyId: await keyIdFor(raw),
    publicKey: toBase64(raw),
    sign: async (bytes) => toBase64(await crypto.subtle.sign(ED25519, key, bytes)),
  };
}

const signers = new Map<string, Promise<ManifestSigner>>();

/** The signer for `pkcs8Base64`, imported once per isolate. Throws {@link SigningKeyError} on a bad key. */
export function manifestSigner(pkcs8Base64: string | undefined): Promise<ManifestSigner> {
  if (!pkcs8Base64) {
    return Promise.reject(new SigningKeyError("signing_key_invalid", "MANIFEST_SIGNING_KEY is not set."));
  }
  let signer = signers.get(pkcs8Base64);
  if (!signer) {
    signer = importSigner(pkcs8Base64);
    signers.clear();
    signers.set(pkcs8Base64, signer);
    signer.catch(() => signers.delete(pkcs8Base64));
  }
  return signer;
}

/** Signs a manifest: returns the envelope clients fetch and the canonical text it was signed over. */
export async function signManifest(
  manifest: Manifest,
  signer: ManifestSigner,
): Promise<{ envelope: SignedManifest; canonical: string }> {
  const bytes = canonicalJsonBytes(manifest as unknown as JsonValue);
  const signature = await signer.sign(bytes);
  return {
    envelope: { manifest, signature, key_id: signer.keyId },
    canonical: new TextDecoder().decode(bytes),
  };
}
