import { describe, expect, it } from "vitest";
import { fromBase64 } from "./encoding";
import { DEV_MANIFEST_KEY, isRevoked, keyIdFor, PRODUCTION_MANIFEST_KEYS } from "./keys";

describe("trusted keys", () => {
  it.each([DEV_MANIFEST_KEY, ...PRODUCTION_MANIFEST_KEYS])(
    "$label: its id is derived from its raw 32-byte key",
    async (key) => {
      const raw = fromBase64(key.publicKey);
      expect(raw).toHaveLength(32);
      expect(await keyIdFor(raw as Uint8Array)).toBe(key.keyId);
    },
  );

  it("marks the development key as such, and no production key; lists each key once", () => {
    expect(DEV_MANIFEST_KEY).toMatchObject({ keyId: "dbb51a15dabccf2f", development: true });
    expect(PRODUCTION_MANIFEST_KEYS.filter((key) => key.development)).toEqual([]);
    const ids = [DEV_MANIFEST_KEY, ...PRODUCTION_MANIFEST_KEYS].map((key) => key.keyId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("counts a key as revoked when flagged or when its id is listed", () => {
    expect(isRevoked(DEV_MANIFEST_KEY)).toBe(false);
    expect(isRevoked({ ...DEV_MANIFEST_KEY, revoked: true })).toBe(true);
    expect(isRevoked(DEV_MANIFEST_KEY, [DEV_MANIFEST_KEY.keyId])).toBe(true);
    expect(isRevoked("0123456789abcdef", ["0123456789abcdef"])).toBe(true);
  });
});
