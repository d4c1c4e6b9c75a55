/**
 * Ed25519 manifest signatures through WebCrypto (`crypto.subtle`, algorithm name "Ed25519", which workerd,
 * Node ≥ 20 and current browsers share). The private key is the MANIFEST_SIGNING_KEY secret: a PKCS#8 DER
 * key, base64. A key's id is the first 16 hex characters of the SHA-256 of its raw 32-byte public key.
 */
import { decodeBase64, decodeBase64Url } from "../crypto/base64url";
import { sha256Hex } from "../crypto/sha256";
import { canonicalJsonBytes, type JsonValue } from "./canonical-json";
import { toBase64 } from "./encoding";
import type { PublicManifest, SignedManifest } from "./schema";

const ED25519 = { name: "Ed25519" } as const;

/** MANIFEST_SIGNING_KEY is missing or is not a base64 PKCS#8 Ed25519 private key. */
export class SigningKeyError extends Error {
  override readonly name = "SigningKeyError";
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

/** The key id of a raw 32-byte Ed25519 public key. */
export async function keyIdFor(rawPublicKey: Uint8Array): Promise<string> {
  return (await sha256Hex(rawPublicKey)).slice(0, 16);
}

/** Standard base64 → bytes, or an empty array when malformed (which every key import then refuses). */
function bytesOf(base64: string): Uint8Array {
  return decodeBase64(base64.trim()) ?? new Uint8Array(0);
}

async function importSigner(pkcs8Base64: string): Promise<ManifestSigner> {
  let key: CryptoKey;
  try {
    key = await crypto.subtle.importKey("pkcs8", bytesOf(pkcs8Base64), ED25519, true, ["sign"]);
  } catch (err) {
    throw new SigningKeyError(
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
  if (!pkcs8Base64) return Promise.reject(new SigningKeyError("MANIFEST_SIGNING_KEY is not set."));
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
  manifest: PublicManifest,
  signer: ManifestSigner,
): Promise<{ envelope: SignedManifest; canonical: string }> {
  const bytes = canonicalJsonBytes(manifest as unknown as JsonValue);
  const signature = await signer.sign(bytes);
  return {
    envelope: { manifest, signature, key_id: signer.keyId },
    canonical: new TextDecoder().decode(bytes),
  };
}

/**
 * Verifies an envelope against a raw Ed25519 public key (base64): the signature must cover the canonical
 * bytes of `envelope.manifest`. This is what a client does before trusting any file the manifest lists.
 */
export async function verifySignedManifest(
  envelope: SignedManifest,
  publicKeyBase64: string,
): Promise<boolean> {
  const key = await crypto.subtle.importKey("raw", bytesOf(publicKeyBase64), ED25519, false, ["verify"]);
  const bytes = canonicalJsonBytes(envelope.manifest as unknown as JsonValue);
  return crypto.subtle.verify(ED25519, key, bytesOf(envelope.signature), bytes);
}
