/** Unguessable random identifiers and secrets (WebCrypto CSPRNG). */
import { encodeBase64Url } from "./base64url";

/** Returns `prefix` followed by `bytes` random bytes in base64url (16 bytes → 22 characters). */
export function randomToken(prefix: string, bytes: number): string {
  const buffer = new Uint8Array(bytes);
  crypto.getRandomValues(buffer);
  return prefix + encodeBase64Url(buffer);
}
