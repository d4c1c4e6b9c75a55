import { DEV_MANIFEST_KEY, type TrustedKey } from "@commonspace/manifest";
import { describe, expect, it } from "vitest";
import { checkSigningKey, type KnownKeys } from "./signing-policy";

const current: TrustedKey = {
  keyId: "1111111111111111",
  publicKey: "",
  label: "current",
  development: false,
};
const retired: TrustedKey = {
  keyId: "2222222222222222",
  publicKey: "",
  label: "retired",
  development: false,
};
const known: KnownKeys = { production: [retired, current], revoked: [retired.keyId] };

describe("checkSigningKey", () => {
  it("lets a listed, unrevoked production key sign in production, and any unrevoked key elsewhere", () => {
    expect(() => checkSigningKey(current.keyId, "production", known)).not.toThrow();
    expect(() => checkSigningKey(DEV_MANIFEST_KEY.keyId, "development", known)).not.toThrow();
    expect(() => checkSigningKey("abe086b2827ef5db", "development", known)).not.toThrow();
  });

  it.each<[string, string, string]>([
    ["the development key in production", DEV_MANIFEST_KEY.keyId, "signing_key_is_development"],
    ["a key clients do not ship, in production", "3333333333333333", "signing_key_not_trusted"],
    ["a revoked key, even one still listed", retired.keyId, "signing_key_revoked"],
  ])("refuses %s", (_what, keyId, code) => {
    expect(() => checkSigningKey(keyId, "production", known)).toThrow(expect.objectContaining({ code }));
  });

  it("refuses a revoked key outside production too", () => {
    expect(() => checkSigningKey(retired.keyId, "development", known)).toThrow(/revoked/);
  });
});
