// Keeps docs/manifest-format.md honest: its test vector must verify with the development public key, and
// its canonical bytes and ETag must be what this code computes.
import { describe, expect, it } from "vitest";
import doc from "../../../../docs/manifest-format.md?raw";
import { sha256Hex } from "../crypto/sha256";
import { canonicalJson, type JsonValue } from "./canonical-json";
import { DEV_MANIFEST_KEY_ID, DEV_MANIFEST_PUBLIC_KEY } from "./dev-public-key";
import type { SignedManifest } from "./schema";
import { verifySignedManifest } from "./signing";

/** The first fenced block of `lang` after `marker` in the doc. */
function blockAfter(marker: string, lang: string): string {
  const from = doc.indexOf(marker);
  const match = new RegExp("```" + lang + "\\n([\\s\\S]*?)\\n```").exec(doc.slice(from));
  if (from < 0 || !match?.[1])
    throw new Error(`No ${lang} block after "${marker}" in docs/manifest-format.md`);
  return match[1];
}

describe("docs/manifest-format.md test vector", () => {
  const envelope = JSON.parse(blockAfter("<!-- test-vector", "json")) as SignedManifest;
  const canonical = canonicalJson(envelope.manifest as unknown as JsonValue);

  it("verifies with the development public key under its key id", async () => {
    expect(envelope.key_id).toBe(DEV_MANIFEST_KEY_ID);
    expect(await verifySignedManifest(envelope, DEV_MANIFEST_PUBLIC_KEY)).toBe(true);
  });

  it("lists the canonical bytes and the ETag this code computes", async () => {
    expect(blockAfter("Canonical bytes of `manifest`", "text")).toBe(canonical);
    expect(doc).toContain(`the manifest's ETag: \`"${await sha256Hex(canonical)}"\``);
  });
});
