import {
  canonicalJson,
  canonicalJsonBytes,
  DEV_MANIFEST_KEY,
  fromBase64,
  keyIdFor,
  sha256Hex,
  toBase64,
  type JsonValue,
  type TrustedKey,
} from "@commonspace/manifest";
import { describe, expect, test } from "vitest";
import vector from "../../test/fixtures/manifest-test-vector.json";
import { env } from "../env";
import { BundleFormatError, SignatureError } from "../errors";
import { defaultTrustedKeys } from "./keys";
import { verifyManifest } from "./signature";

// The envelope, canonical text and ETag printed in docs/manifest-format.md ("Test vector"), signed by the
// development key: the API and this client must agree on every byte.
const envelope = vector.envelope;

/** A throwaway production-like key pair, made per test run; the private half never leaves memory. */
async function throwawayKey(
  label: string,
): Promise<{ key: TrustedKey; sign: (version: string) => Promise<unknown> }> {
  const pair = (await crypto.subtle.generateKey({ name: "Ed25519" }, false, [
    "sign",
    "verify",
  ])) as CryptoKeyPair;
  const raw = new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey));
  const key = { keyId: await keyIdFor(raw), publicKey: toBase64(raw), label, development: false };
  const sign = async (version: string) => {
    const manifest = { ...envelope.manifest, version } as unknown as JsonValue;
    const signature = await crypto.subtle.sign(
      { name: "Ed25519" },
      pair.privateKey,
      canonicalJsonBytes(manifest),
    );
    return { key_id: key.keyId, manifest, signature: toBase64(signature) };
  };
  return { key, sign };
}

describe("manifest signatures", () => {
  test("canonicalises the documented manifest to the documented bytes and ETag", async () => {
    const text = canonicalJson(envelope.manifest as unknown as JsonValue);
    expect(text).toBe(vector.canonical);
    expect(await sha256Hex(text)).toBe(vector.etag);
  });

  test("verifies the documented envelope with the development key, and says it was that key", async () => {
    const verified = await verifyManifest(envelope, [DEV_MANIFEST_KEY], "default");
    expect(verified.manifest.version).toBe("2026.11.28");
    expect(verified.manifestSha256).toBe(vector.etag);
    expect(verified.keyId).toBe("dbb51a15dabccf2f");
    expect(verified.key).toBe(DEV_MANIFEST_KEY);
    expect(verified.key.development).toBe(true);
  });

  test("verifies whatever the key order and whitespace of the received JSON", async () => {
    const reordered = JSON.parse(
      JSON.stringify(
        { signature: envelope.signature, manifest: { ...envelope.manifest }, key_id: envelope.key_id },
        null,
        2,
      ),
    );
    await expect(verifyManifest(reordered, [DEV_MANIFEST_KEY], "default")).resolves.toBeDefined();
  });

  test("trusts both keys of a rotation: manifests signed by the old and by the new key verify", async () => {
    const old = await throwawayKey("production key 2026-01");
    const next = await throwawayKey("production key 2027-01");
    const trusted = [old.key, next.key];
    const before = await verifyManifest(await old.sign("2026.12.01"), trusted, "default");
    const after = await verifyManifest(await next.sign("2027.01.15"), trusted, "default");
    expect([before.key.label, before.manifest.version]).toEqual(["production key 2026-01", "2026.12.01"]);
    expect([after.key.label, after.manifest.version]).toEqual(["production key 2027-01", "2027.01.15"]);
  });

  test("refuses a revoked key with a SignatureError saying so, even though it is in the trusted list", async () => {
    const leaked = await throwawayKey("production key 2026-01");
    const next = await throwawayKey("production key 2027-01");
    const trusted = [{ ...leaked.key, revoked: true }, next.key];
    const call = verifyManifest(await leaked.sign("2026.12.01"), trusted, "default");
    await expect(call).rejects.toBeInstanceOf(SignatureError);
    await expect(call).rejects.toThrow(`key ${leaked.key.keyId} (production key 2026-01), which was revoked`);
    await expect(verifyManifest(await next.sign("2027.01.15"), trusted, "default")).resolves.toBeDefined();
  });

  test.each([
    ["the version", (m: Record<string, unknown>) => (m["version"] = "2026.11.29")],
    [
      "a file hash",
      (m: Record<string, unknown>) => ((m["files"] as { sha256: string }[])[0]!.sha256 = "0".repeat(64)),
    ],
    [
      "a metric",
      (m: Record<string, unknown>) => ((m["metrics"] as Record<string, number>)["vq_psnr_db"] = 99),
    ],
    ["an added field", (m: Record<string, unknown>) => (m["extra"] = true)],
  ])("refuses a manifest whose %s changed after signing", async (_what, change) => {
    const copy = JSON.parse(JSON.stringify(envelope)) as { manifest: Record<string, unknown> };
    change(copy.manifest);
    await expect(verifyManifest(copy, [DEV_MANIFEST_KEY], "default")).rejects.toBeInstanceOf(SignatureError);
  });

  test("refuses a signature with a flipped bit", async () => {
    const sig = fromBase64(envelope.signature) as Uint8Array;
    sig[10] = (sig[10] as number) ^ 0x01;
    const copy = { ...envelope, signature: toBase64(sig) };
    await expect(verifyManifest(copy, [DEV_MANIFEST_KEY], "default")).rejects.toThrow(/does not verify/);
  });

  test("refuses a key id it does not trust, naming the trusted ones", async () => {
    await expect(verifyManifest(envelope, [], "default")).rejects.toThrow(/does not trust \(trusted: none\)/);
  });

  test("refuses a correctly signed manifest for another model", async () => {
    await expect(verifyManifest(envelope, [DEV_MANIFEST_KEY], "other")).rejects.toBeInstanceOf(
      BundleFormatError,
    );
  });

  test("refuses an envelope that is not an object", async () => {
    await expect(verifyManifest("nope", [DEV_MANIFEST_KEY], "default")).rejects.toBeInstanceOf(
      BundleFormatError,
    );
  });
});

describe("trusted keys", () => {
  test("trusts the development key only for loopback origins unless told otherwise", () => {
    expect(defaultTrustedKeys("http://127.0.0.1:8787")).toContain(DEV_MANIFEST_KEY);
    expect(defaultTrustedKeys("http://localhost:5173")).toContain(DEV_MANIFEST_KEY);
    expect(defaultTrustedKeys("https://api.commonspace.example")).not.toContain(DEV_MANIFEST_KEY);
    env.trustDevelopmentKey = true;
    try {
      expect(defaultTrustedKeys("https://api.commonspace.example")).toContain(DEV_MANIFEST_KEY);
    } finally {
      env.trustDevelopmentKey = false;
    }
  });
});
