// Which manifest keys this runtime trusts for an API (docs/manifest-format.md §3). The keys themselves (the
// development key, the production keys, the revoked ids) live in @commonspace/manifest. The development key's
// private half is public, so it is trusted only for loopback API origins unless `env.trustDevelopmentKey`
// says otherwise.
import { DEV_MANIFEST_KEY, PRODUCTION_MANIFEST_KEYS, type TrustedKey } from "@commonspace/manifest";
import { env } from "../env";

export type { TrustedKey } from "@commonspace/manifest";

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

/**
 * The keys trusted for manifests from `api`: every production key, plus the development key when `api` is a
 * loopback origin or `env.trustDevelopmentKey` is true. Revoked keys stay listed and are refused by id.
 */
export function defaultTrustedKeys(api: string | URL): readonly TrustedKey[] {
  const host = new URL(api).hostname;
  const dev = env.trustDevelopmentKey || LOOPBACK.has(host) || host.endsWith(".localhost");
  return dev ? [...PRODUCTION_MANIFEST_KEYS, DEV_MANIFEST_KEY] : PRODUCTION_MANIFEST_KEYS;
}
