/**
 * The manifest signing keys clients know (docs/manifest-format.md §3): the development key, the production
 * keys, and the ids of revoked keys. Only public halves live here; a private key never enters the repository.
 *
 * Rotation, in short: add the new key's public half to PRODUCTION_MANIFEST_KEYS and ship clients and the API,
 * then switch the API's MANIFEST_SIGNING_KEY secret. Revocation: add the id to REVOKED_KEY_IDS; clients then
 * refuse every manifest it signed, even where a caller still lists the key, and the API refuses to sign with it.
 */
import { sha256Hex } from "./encoding";

/** An Ed25519 public key that may sign manifests. */
export interface TrustedKey {
  /** First 16 hex characters of the SHA-256 of the raw public key. */
  readonly keyId: string;
  /** Raw 32-byte public key, standard base64. */
  readonly publicKey: string;
  /** Who holds the private half, for messages and the UI, e.g. "production key 2027-01". */
  readonly label: string;
  /** A development key: its private half is committed, so its signatures prove nothing. */
  readonly development: boolean;
  /** Revoked: manifests it signed are refused (also when its id is in {@link REVOKED_KEY_IDS}). */
  readonly revoked?: boolean;
}

/**
 * The development key. DEVELOPMENT ONLY: its private half is committed in `.dev.vars.example`, so anyone can
 * sign with it. Clients trust it only for loopback API origins; the API refuses to sign with it in production.
 */
export const DEV_MANIFEST_KEY: TrustedKey = {
  keyId: "dbb51a15dabccf2f",
  publicKey: "vJW3Pc0vB9a88Ty8UzbDFoooQWU0PVS/2L8vcCnwJXA=",
  label: "development key (private half committed in .dev.vars.example; proves nothing)",
  development: true,
};

/**
 * Production signing keys, newest last. Empty until a deployment has a key: its deployer generates the pair
 * (apps/api/scripts/gen-dev-signing-key.mjs), keeps the private half as the worker secret, and adds the public
 * half here. Keep a rotated-out key listed while clients may still meet manifests it signed.
 */
export const PRODUCTION_MANIFEST_KEYS: readonly TrustedKey[] = [];

/** Ids of revoked keys (leaked, or retired and distrusted). Never remove an id from this list. */
export const REVOKED_KEY_IDS: readonly string[] = [];

/** Whether `key` (or a key id) is revoked: flagged so, or listed in `revokedIds`. */
export function isRevoked(
  key: TrustedKey | string,
  revokedIds: readonly string[] = REVOKED_KEY_IDS,
): boolean {
  if (typeof key === "string") return revokedIds.includes(key);
  return key.revoked === true || revokedIds.includes(key.keyId);
}

/** The key id of a raw 32-byte Ed25519 public key: the first 16 hex characters of its SHA-256. */
export async function keyIdFor(rawPublicKey: Uint8Array): Promise<string> {
  return (await sha256Hex(rawPublicKey)).slice(0, 16);
}
