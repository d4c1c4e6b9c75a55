/**
 * Which keys may sign where (docs/manifest-format.md §3). A revoked key never signs. In production
 * (`ENVIRONMENT = "production"`) the development key, whose private half is committed, may not sign either,
 * and neither may a key that clients do not ship, since every client would refuse what it signed.
 */
import {
  DEV_MANIFEST_KEY,
  isRevoked,
  PRODUCTION_MANIFEST_KEYS,
  REVOKED_KEY_IDS,
  type TrustedKey,
} from "@commonspace/manifest";
import { SigningKeyError } from "./signing";

const NEW_KEY =
  "Generate a key pair with apps/api/scripts/gen-dev-signing-key.mjs, list its public half in " +
  "PRODUCTION_MANIFEST_KEYS (packages/manifest/src/keys.ts), ship that, then `wrangler secret put MANIFEST_SIGNING_KEY`.";

/** The key lists a check reads; the shipped ones by default. */
export interface KnownKeys {
  production: readonly TrustedKey[];
  revoked: readonly string[];
}

const SHIPPED: KnownKeys = { production: PRODUCTION_MANIFEST_KEYS, revoked: REVOKED_KEY_IDS };

/** Throws {@link SigningKeyError} when the key `keyId` may not sign manifests in `environment`. */
export function checkSigningKey(keyId: string, environment: string, known: KnownKeys = SHIPPED): void {
  if (isRevoked(keyId, known.revoked)) {
    const why = `The signing key ${keyId} is revoked (REVOKED_KEY_IDS): clients refuse everything it signs.`;
    throw new SigningKeyError("signing_key_revoked", `${why} ${NEW_KEY}`);
  }
  if (environment !== "production") return;
  if (keyId === DEV_MANIFEST_KEY.keyId) {
    const why = `MANIFEST_SIGNING_KEY is the development key ${keyId}, whose private half is public: it may not sign in production.`;
    throw new SigningKeyError("signing_key_is_development", `${why} ${NEW_KEY}`);
  }
  if (!known.production.some((key) => key.keyId === keyId)) {
    const why = `The signing key ${keyId} is not in PRODUCTION_MANIFEST_KEYS, so no client would trust what it signs.`;
    throw new SigningKeyError("signing_key_not_trusted", `${why} ${NEW_KEY}`);
  }
}
