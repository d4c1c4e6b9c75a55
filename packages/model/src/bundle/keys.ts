// The manifest public keys this package trusts (docs/manifest-format.md §3). Each signed manifest names its
// key id; a client verifies only with keys listed here. Ship production keys in PRODUCTION_MANIFEST_KEYS; the
// development key's private half is public, so it is trusted only for loopback API origins unless
// `env.trustDevelopmentKey` says otherwise.
import { env } from "../env";

/** An Ed25519 public key that may sign manifests. */
export interface TrustedKey {
  /** First 16 hex characters of the SHA-256 of the raw public key. */
  readonly keyId: string;
  /** Raw 32-byte public key, standard base64. */
  readonly publicKey: string;
  readonly label: string;
  /** A development key: its private half is committed, so its signatures prove nothing. */
  readonly development: boolean;
}

/** The development key (copied from apps/api/src/manifest/dev-public-key.ts). DEVELOPMENT ONLY. */
export const DEV_MANIFEST_KEY: TrustedKey = {
  keyId: "dbb51a15dabccf2f",
  publicKey: "vJW3Pc0vB9a88Ty8UzbDFoooQWU0PVS/2L8vcCnwJXA=",
  label: "development key (apps/api/.dev.vars.example)",
  development: true,
};

/** Production signing keys. None is published yet: add each new key here before the API switches to it. */
export const PRODUCTION_MANIFEST_KEYS: readonly TrustedKey[] = [];

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

/**
 * The keys trusted for manifests from `api`: every production key, plus the development key when `api` is a
 * loopback origin or `env.trustDevelopmentKey` is true.
 */
export function defaultTrustedKeys(api: string | URL): readonly TrustedKey[] {
  const host = new URL(api).hostname;
  const dev = env.trustDevelopmentKey || LOOPBACK.has(host) || host.endsWith(".localhost");
  return dev ? [...PRODUCTION_MANIFEST_KEYS, DEV_MANIFEST_KEY] : PRODUCTION_MANIFEST_KEYS;
}
