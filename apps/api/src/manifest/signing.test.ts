import {
  canonicalJsonBytes,
  DEV_MANIFEST_KEY,
  MANIFEST_FORMAT,
  verifyEd25519,
  type JsonValue,
  type Manifest,
  type SignedManifest,
} from "@commonspace/manifest";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import devVars from "../../../../.dev.vars.example?raw";
import { manifestSigner, SigningKeyError, signManifest } from "./signing";

/** Whether `envelope`'s signature covers its manifest under `publicKey`. */
function verifies(envelope: SignedManifest, publicKey: string): Promise<boolean> {
  const bytes = canonicalJsonBytes(envelope.manifest as unknown as JsonValue);
  return verifyEd25519(publicKey, envelope.signature, bytes);
}

const manifest: Manifest = {
  format: MANIFEST_FORMAT,
  model: "m",
  version: "1",
  created: "2026-11-28T00:00:00.000Z",
  files: [
    {
      name: "a.onnx",
      role: "gpt-step",
      bytes: 3,
      sha256: "a".repeat(64),
      url: `/v1/models/files/${"a".repeat(64)}`,
    },
  ],
  metrics: { loss: 0.25 },
};

describe("manifest signing", () => {
  it("derives the public key and key id from the private key alone", async () => {
    const signer = await manifestSigner(env.MANIFEST_SIGNING_KEY);
    expect(signer.publicKey).toBe("szNpFSixvLFsKf5yKcJzqBKx/6dyEnb+/kvyoUhXCSY=");
    expect(signer.keyId).toBe("abe086b2827ef5db");
  });

  it("signs the canonical bytes so the signature verifies with the public key and no other", async () => {
    const signer = await manifestSigner(env.MANIFEST_SIGNING_KEY);
    const { envelope, canonical } = await signManifest(manifest, signer);
    expect(canonical.startsWith('{"created":"2026-11-28T00:00:00.000Z","files":[{"bytes":3,')).toBe(true);
    expect(await verifies(envelope, signer.publicKey)).toBe(true);
    expect(await verifies(envelope, DEV_MANIFEST_KEY.publicKey)).toBe(false);
    const edited = { ...envelope, manifest: { ...manifest, metrics: { loss: 0.24 } } };
    expect(await verifies(edited, signer.publicKey)).toBe(false);
  });

  it.each([[undefined], [""], ["not base64 !"], ["MC4CAQAwBQYDK2VwBCIEIA=="], ["test-only"]])(
    "refuses the signing key %o with a SigningKeyError",
    async (key) => {
      await expect(manifestSigner(key)).rejects.toBeInstanceOf(SigningKeyError);
    },
  );

  it("keeps the committed development key pair consistent", async () => {
    const privateKey = /^MANIFEST_SIGNING_KEY="([^"]+)"/m.exec(devVars)?.[1];
    const signer = await manifestSigner(privateKey);
    expect(signer.publicKey).toBe(DEV_MANIFEST_KEY.publicKey);
    expect(signer.keyId).toBe(DEV_MANIFEST_KEY.keyId);
  });
});
