// Keeps docs/manifest-format.md honest: its test vector must verify with the development key, and its
// canonical bytes and ETag must be what this code computes.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { canonicalJson, type JsonValue } from "./canonical-json";
import { sha256Hex } from "./encoding";
import { DEV_MANIFEST_KEY } from "./keys";
import { verifySignedManifest } from "./verify";

const doc = readFileSync(new URL("../../../docs/manifest-format.md", import.meta.url), "utf8");

/** The first fenced block of `lang` after `marker` in the doc. */
function blockAfter(marker: string, lang: string): string {
  const from = doc.indexOf(marker);
  const match = new RegExp("```" + lang + "\\n([\\s\\S]*?)\\n```").exec(doc.slice(from));
  if (from < 0 || !match?.[1])
    throw new Error(`No ${lang} block after "${marker}" in docs/manifest-format.md`);
  return match[1];
}

describe("docs/manifest-format.md test vector", () => {
  const envelope = JSON.parse(blockAfter("<!-- test-vector", "json")) as { manifest: JsonValue };
  const canonical = canonicalJson(envelope.manifest);

  it("verifies with the development key under its key id", async () => {
    const verified = await verifySignedManifest(envelope, [DEV_MANIFEST_KEY], { model: "default" });
    expect(verified.key).toBe(DEV_MANIFEST_KEY);
    expect(verified.manifestSha256).toBe(await sha256Hex(canonical));
  });

  it("lists the canonical bytes and the ETag this code computes", async () => {
    expect(blockAfter("Canonical bytes of `manifest`", "text")).toBe(canonical);
    expect(doc).toContain(`the manifest's ETag: \`"${await sha256Hex(canonical)}"\``);
  });
});
