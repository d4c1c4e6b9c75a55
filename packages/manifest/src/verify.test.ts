import { describe, expect, it } from "vitest";
import { canonicalJsonBytes, type JsonValue } from "./canonical-json";
import { toBase64 } from "./encoding";
import { MANIFEST_FORMAT } from "./format";
import { keyIdFor, type TrustedKey } from "./keys";
import { ManifestSignatureError, verifySignedManifest } from "./verify";

/** A throwaway Ed25519 pair made for this test run; its private half never leaves memory. */
async function throwawayKey(label: string) {
  const pair = (await crypto.subtle.generateKey({ name: "Ed25519" }, false, [
    "sign",
    "verify",
  ])) as CryptoKeyPair;
  const raw = new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey));
  const key: TrustedKey = { keyId: await keyIdFor(raw), publicKey: toBase64(raw), label, development: false };
  const sign = async (version: string) => {
    const manifest = {
      format: MANIFEST_FORMAT,
      model: "default",
      version,
      created: "2026-12-01T00:00:00.000Z",
      files: [],
      metrics: {},
    };
    const bytes = canonicalJsonBytes(manifest as JsonValue);
    const signature = toBase64(await crypto.subtle.sign({ name: "Ed25519" }, pair.privateKey, bytes));
    return { key_id: key.keyId, manifest, signature };
  };
  return { key, sign };
}

const problem = (p: string) => expect.objectContaining({ name: "ManifestSignatureError", problem: p });

describe("verifySignedManifest", () => {
  it("trusts manifests of both keys of a rotation, and says which key verified each", async () => {
    const old = await throwawayKey("production key 2026-01");
    const next = await throwawayKey("production key 2027-01");
    const keys = [old.key, next.key];
    const before = await verifySignedManifest(await old.sign("1.0.0"), keys, { model: "default" });
    const after = await verifySignedManifest(await next.sign("1.1.0"), keys, { model: "default" });
    expect([before.key, before.manifest.version]).toEqual([old.key, "1.0.0"]);
    expect([after.key, after.keyId]).toEqual([next.key, next.key.keyId]);
    expect(after.manifestSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("refuses a revoked key id even while the caller still trusts the key", async () => {
    const leaked = await throwawayKey("production key 2026-01");
    const envelope = await leaked.sign("1.0.0");
    const call = verifySignedManifest(envelope, [leaked.key], { revokedKeyIds: [leaked.key.keyId] });
    await expect(call).rejects.toThrow(problem("revoked"));
    await expect(call).rejects.toThrow(
      new RegExp(`key ${leaked.key.keyId} \\(production key 2026-01\\), which was revoked`),
    );
  });

  it("refuses a key the caller flags as revoked, and a revoked id it does not list at all", async () => {
    const leaked = await throwawayKey("leaked");
    const envelope = await leaked.sign("1.0.0");
    await expect(verifySignedManifest(envelope, [{ ...leaked.key, revoked: true }])).rejects.toThrow(
      problem("revoked"),
    );
    await expect(verifySignedManifest(envelope, [], { revokedKeyIds: [leaked.key.keyId] })).rejects.toThrow(
      /was revoked/,
    );
  });

  it("refuses a key it does not trust, naming the trusted ones", async () => {
    const stranger = await throwawayKey("stranger");
    const trusted = await throwawayKey("trusted");
    await expect(verifySignedManifest(await stranger.sign("1"), [trusted.key])).rejects.toThrow(
      new RegExp(`does not trust \\(trusted: ${trusted.key.keyId}\\)`),
    );
    await expect(verifySignedManifest(await stranger.sign("1"), [])).rejects.toThrow(problem("untrusted"));
  });

  it("refuses a manifest signed by another key under a trusted key's id", async () => {
    const real = await throwawayKey("real");
    const forger = await throwawayKey("forger");
    const forged = { ...(await forger.sign("9.9.9")), key_id: real.key.keyId };
    await expect(verifySignedManifest(forged, [real.key])).rejects.toThrow(problem("invalid"));
  });

  it("refuses a manifest changed after signing, and a signature with a flipped bit", async () => {
    const signer = await throwawayKey("signer");
    const envelope = await signer.sign("1.0.0");
    const changed = { ...envelope, manifest: { ...envelope.manifest, version: "1.0.1" } };
    await expect(verifySignedManifest(changed, [signer.key])).rejects.toBeInstanceOf(ManifestSignatureError);
    const flipped = envelope.signature.startsWith("A")
      ? `B${envelope.signature.slice(1)}`
      : `A${envelope.signature.slice(1)}`;
    await expect(verifySignedManifest({ ...envelope, signature: flipped }, [signer.key])).rejects.toThrow(
      /does not verify/,
    );
  });

  it("checks the manifest's fields only after the signature verified", async () => {
    const signer = await throwawayKey("signer");
    const envelope = await signer.sign("1.0.0");
    await expect(verifySignedManifest(envelope, [signer.key], { model: "other" })).rejects.toThrow(
      expect.objectContaining({ name: "ManifestFormatError", field: "manifest.model" }),
    );
  });
});
