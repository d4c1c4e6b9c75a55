import { describe, expect, test } from "vitest";
import vector from "../../test/fixtures/manifest-test-vector.json";
import { BundleFormatError, SignatureError } from "../errors";
import { canonicalJson, type JsonValue } from "./canonical-json";
import { fromBase64, sha256Hex } from "./encoding";
import { DEV_MANIFEST_KEY, defaultTrustedKeys } from "./keys";
import { verifyManifest } from "./signature";
import { env } from "../env";

// The envelope, canonical text and ETag printed in docs/manifest-format.md ("Test vector"), signed by the
// development key: the API and this client must agree on every byte.
const envelope = vector.envelope;

describe("manifest signatures", () => {
  test("canonicalises the documented manifest to the documented bytes and ETag", async () => {
    const text = canonicalJson(envelope.manifest as unknown as JsonValue);
    expect(text).toBe(vector.canonical);
    expect(await sha256Hex(new TextEncoder().encode(text))).toBe(vector.etag);
  });

  test("verifies the documented envelope with the development key", async () => {
    const verified = await verifyManifest(envelope, [DEV_MANIFEST_KEY], "default");
    expect(verified.manifest.version).toBe("2026.11.28");
    expect(verified.manifestSha256).toBe(vector.etag);
    expect(verified.keyId).toBe("dbb51a15dabccf2f");
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
    const copy = { ...envelope, signature: Buffer.from(sig).toString("base64") };
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
  test("the development key id is the first 16 hex of the SHA-256 of its raw key", async () => {
    const raw = fromBase64(DEV_MANIFEST_KEY.publicKey) as Uint8Array;
    expect(raw).toHaveLength(32);
    expect((await sha256Hex(raw)).slice(0, 16)).toBe(DEV_MANIFEST_KEY.keyId);
  });

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
