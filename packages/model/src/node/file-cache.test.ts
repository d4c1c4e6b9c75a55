import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { createFileCache } from "./file-cache";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "file-cache-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const sha = (c: string): string => c.repeat(64);

describe("createFileCache", () => {
  test("stores, lists, reads and deletes files by SHA-256", async () => {
    const cache = createFileCache(join(dir, "nested", "cache"));
    expect(await cache.get(sha("a"))).toBeUndefined();
    expect(await cache.list()).toEqual([]);
    await cache.put(sha("a"), Uint8Array.from([1, 2, 3]));
    await cache.put(sha("b"), Uint8Array.from([4]));
    expect(Array.from((await cache.get(sha("a"))) ?? [])).toEqual([1, 2, 3]);
    expect((await cache.list()).sort()).toEqual([sha("a"), sha("b")]);
    await cache.delete(sha("a"));
    await cache.delete(sha("a"));
    expect(await cache.list()).toEqual([sha("b")]);
  });

  test("keeps records under any key and leaves no temporary files", async () => {
    const cache = createFileCache(dir);
    await cache.writeRecord("active:http://x:1:default:stable", '{"v":1}');
    await cache.writeRecord("active:http://x:1:default:stable", '{"v":2}');
    expect(await cache.readRecord("active:http://x:1:default:stable")).toBe('{"v":2}');
    expect(await cache.readRecord("missing")).toBeUndefined();
    expect((await readdir(join(dir, "records"))).filter((n) => n.endsWith(".tmp"))).toEqual([]);
  });
});
