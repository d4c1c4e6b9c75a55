/**
 * The DEVELOPMENT-ONLY manifest signing key's public half. Its private half is committed in
 * `.dev.vars.example`, so a signature by this key proves nothing: clients must trust it only in local
 * development. Production keys are generated with `apps/api/scripts/gen-dev-signing-key.mjs`, stored with
 * `wrangler secret put MANIFEST_SIGNING_KEY`, and their public key is shipped to clients (packages/model).
 * `node apps/api/scripts/gen-dev-signing-key.mjs --check` confirms the two halves still match.
 */

/** Raw 32-byte Ed25519 public key, base64, of the development signing key. */
export const DEV_MANIFEST_PUBLIC_KEY = "vJW3Pc0vB9a88Ty8UzbDFoooQWU0PVS/2L8vcCnwJXA=";

/** Key id of the development signing key (first 16 hex of the SHA-256 of the raw public key). */
export const DEV_MANIFEST_KEY_ID = "dbb51a15dabccf2f";
