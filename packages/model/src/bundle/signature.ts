// Verifies a signed manifest envelope for the runtime (docs/manifest-format.md §5) with @commonspace/manifest,
// and reports failures as this package's named errors. Nothing in a manifest is used before this passes.
import { ManifestFormatError, ManifestSignatureError, verifySignedManifest } from "@commonspace/manifest";
import type { TrustedKey, VerifiedManifest } from "@commonspace/manifest";
import { BundleFormatError, SignatureError } from "../errors";

export type { VerifiedManifest } from "@commonspace/manifest";

/**
 * Verifies `envelope` (the parsed JSON body of a manifest route) with `keys`; `key` of the result is the key
 * that verified it (`key.development`: tell the user the manifest proves nothing).
 * @throws SignatureError for an unknown or revoked key id, or a signature that does not verify.
 * @throws BundleFormatError when the envelope or the manifest is malformed or names another model.
 */
export async function verifyManifest(
  envelope: unknown,
  keys: readonly TrustedKey[],
  expectedModel: string,
): Promise<VerifiedManifest> {
  try {
    return await verifySignedManifest(envelope, keys, { model: expectedModel });
  } catch (err) {
    if (err instanceof ManifestSignatureError) throw new SignatureError(err.message, { cause: err });
    if (err instanceof ManifestFormatError) throw new BundleFormatError(err.field, err.found, err.expected);
    throw err;
  }
}
