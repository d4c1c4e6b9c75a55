#!/usr/bin/env node
// Generates an Ed25519 key pair for signing model manifests and prints the PKCS#8 private key (base64, the
// MANIFEST_SIGNING_KEY secret), the raw 32-byte public key (base64, what clients pin) and its key id.
//
//   node apps/api/scripts/gen-dev-signing-key.mjs           # a fresh key pair
//   node apps/api/scripts/gen-dev-signing-key.mjs --check   # .dev.vars.example matches DEV_MANIFEST_KEY
//
// Production (docs/manifest-format.md §3): run it on a trusted machine, add the public key and key id to
// PRODUCTION_MANIFEST_KEYS in packages/manifest/src/keys.ts and ship that, then `wrangler secret put
// MANIFEST_SIGNING_KEY` with the private key. Never commit a production private key, nor paste it anywhere else.
import { createHash, webcrypto } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const { subtle } = webcrypto;
const ED25519 = { name: "Ed25519" };

/** First 16 hex characters of the SHA-256 of the raw public key, as the worker computes it. */
function keyIdFor(rawPublicKey) {
  return createHash("sha256").update(rawPublicKey).digest("hex").slice(0, 16);
}

/** Derives the raw public key (bytes) from a base64 PKCS#8 Ed25519 private key. */
async function publicKeyOf(pkcs8Base64) {
  const key = await subtle.importKey("pkcs8", Buffer.from(pkcs8Base64, "base64"), ED25519, true, ["sign"]);
  const jwk = await subtle.exportKey("jwk", key);
  return Buffer.from(jwk.x, "base64url");
}

async function generate() {
  const pair = await subtle.generateKey(ED25519, true, ["sign", "verify"]);
  const pkcs8 = Buffer.from(await subtle.exportKey("pkcs8", pair.privateKey));
  const raw = Buffer.from(await subtle.exportKey("raw", pair.publicKey));
  console.log(`MANIFEST_SIGNING_KEY (PKCS#8, base64; SECRET): ${pkcs8.toString("base64")}`);
  console.log(`public key (raw 32 bytes, base64):             ${raw.toString("base64")}`);
  console.log(`key id:                                        ${keyIdFor(raw)}`);
}

async function check() {
  const root = fileURLToPath(new URL("../../../", import.meta.url));
  const vars = readFileSync(`${root}.dev.vars.example`, "utf8");
  const source = readFileSync(`${root}packages/manifest/src/keys.ts`, "utf8");
  const devKey = /DEV_MANIFEST_KEY: TrustedKey = \{([^}]*)\}/.exec(source)?.[1] ?? "";
  const privateKey = /^MANIFEST_SIGNING_KEY="([^"]+)"/m.exec(vars)?.[1];
  const publicKey = /publicKey: "([^"]+)"/.exec(devKey)?.[1];
  const keyId = /keyId: "([^"]+)"/.exec(devKey)?.[1];
  if (!privateKey || !publicKey || !keyId) throw new Error("Could not find the dev key lines to compare.");
  const raw = await publicKeyOf(privateKey);
  if (raw.toString("base64") !== publicKey || keyIdFor(raw) !== keyId) {
    throw new Error(
      `Mismatch: .dev.vars.example's key has public key ${raw.toString("base64")}, id ${keyIdFor(raw)}.`,
    );
  }
  console.log(
    `ok: .dev.vars.example and DEV_MANIFEST_KEY (packages/manifest/src/keys.ts) agree (key id ${keyId}).`,
  );
}

await (process.argv.includes("--check") ? check() : generate());
