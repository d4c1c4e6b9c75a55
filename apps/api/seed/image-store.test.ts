import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ImageStore, RenderCache, sha256Hex } from "./image-store";

const dirs: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), "seed-store-"));
  dirs.push(dir);
  return dir;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("ImageStore", () => {
  it("stores bytes under their SHA-256 and prunes what is no longer referenced", () => {
    const store = new ImageStore(join(tempDir(), "images"));
    const keep = store.put(Uint8Array.of(1, 2, 3));
    const drop = store.put(Uint8Array.of(4));
    writeFileSync(join(store.dir, "notes.txt"), "not an image");
    expect(keep).toBe(sha256Hex(Uint8Array.of(1, 2, 3)));
    expect(store.read(keep)).toEqual(Uint8Array.of(1, 2, 3));
    expect(store.prune(new Set([keep]))).toBe(1);
    expect(store.has(drop)).toBe(false);
    expect(readdirSync(store.dir).sort()).toEqual([`${keep}.png`, "notes.txt"]);
  });
});

describe("RenderCache", () => {
  it("saves only the entries used, sorted, and reads them back", () => {
    const path = join(tempDir(), "render-cache.json");
    const first = new RenderCache(path);
    first.set("k2", "p2");
    first.set("k1", "p1");
    first.save();
    const second = new RenderCache(path);
    expect(second.get("k1")).toBe("p1");
    second.set("k2", "p2");
    second.save();
    expect(new RenderCache(path).get("k1")).toBeUndefined();
  });
});
